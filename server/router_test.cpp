#include "server/router.h"

#include <gtest/gtest.h>

namespace vigie::server {
namespace {

TEST(router_helpers, query_strings_are_percent_decoded) {
  std::vector<std::pair<std::string, std::string>> q;
  ASSERT_TRUE(parse_query("from=2026-01-01T00%3A00%3A00Z&lang=fr&&x&y=a+b", &q));
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[0], (std::pair<std::string, std::string>{"from", "2026-01-01T00:00:00Z"}));
  EXPECT_EQ(q[1].second, "fr");
  EXPECT_EQ(q[2], (std::pair<std::string, std::string>{"x", ""}));
  EXPECT_EQ(q[3].second, "a b");
  EXPECT_FALSE(parse_query("a=%zz", &q));
  EXPECT_FALSE(parse_query("a=%4", &q));
}

TEST(router_helpers, cursors_round_trip_any_bytes) {
  for (std::string bytes : {std::string(""), std::string("a"), std::string("ab"),
                            std::string("abc"), std::string("\x00\xff\x10\x80", 4)}) {
    std::string back;
    ASSERT_TRUE(base64url_decode(base64url_encode(bytes), &back));
    EXPECT_EQ(back, bytes);
  }
  std::string out;
  EXPECT_FALSE(base64url_decode("a", &out));
  EXPECT_FALSE(base64url_decode("ab+/", &out));
}

TEST(router_helpers, a_cursor_cut_short_altered_or_made_up_is_refused) {
  const std::string position("\x00\x00\x01\x9a twitter\x00" "12345", 18);
  const std::string cursor = encode_cursor(position);
  std::string back;
  ASSERT_TRUE(decode_cursor(cursor, &back));
  EXPECT_EQ(back, position);
  ASSERT_TRUE(decode_cursor(encode_cursor(""), &back));
  EXPECT_EQ(back, "");
  for (std::size_t cut = 1; cut < cursor.size(); ++cut) {
    EXPECT_FALSE(decode_cursor(cursor.substr(0, cursor.size() - cut), &back)) << cut;
  }
  for (std::size_t i = 0; i < cursor.size(); ++i) {
    std::string altered = cursor;
    altered[i] = altered[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(decode_cursor(altered, &back)) << i;
  }
  EXPECT_FALSE(decode_cursor(std::string(500, 'x'), &back));
  EXPECT_FALSE(decode_cursor(base64url_encode(position), &back));  // no check
  EXPECT_FALSE(decode_cursor("", &back));
}

TEST(router_helpers, error_bodies_are_json_with_code_and_message) {
  auto res = router::error(404, "not_found", "no route for /x\"");
  EXPECT_EQ(res.result_int(), 404u);
  EXPECT_EQ(res.body(), R"({"error":{"code":"not_found","message":"no route for /x\""}})");
  EXPECT_EQ(res[boost::beast::http::field::content_type], "application/json");
  // What a message quotes is cut past 1,024 bytes, at a character's start.
  const std::string long_id = "malformed alert id '" + std::string(1003, '1') + "\xC3\xA9\xC3\xA9'";
  res = router::error(400, "bad_request", long_id);
  EXPECT_EQ(res.body(), R"({"error":{"code":"bad_request","message":")" + long_id.substr(0, 1023) +
                            "... (1028 bytes in all)\"}}");
}

}  // namespace
}  // namespace vigie::server
