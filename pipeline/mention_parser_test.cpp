#include "pipeline/mention_parser.h"

#include <gtest/gtest.h>

#include <vector>

namespace vigie::pipeline {
namespace {

struct item {
  std::size_t line;
  bool ok;
  std::string id_or_reason;
};

std::vector<item> parse_all(std::string_view body, batch_format f = batch_format::ndjson) {
  mention_parser p;
  std::vector<item> out;
  auto s = p.parse_batch(body, f, [&](std::size_t line, const status& st, const mention_view& m) {
    out.push_back({line, st.ok(), st.ok() ? std::string(m.id) : st.message()});
  });
  EXPECT_TRUE(s.ok()) << s.to_string();
  return out;
}

TEST(mention_parser, reads_every_field) {
  mention_parser p;
  mention_view m;
  auto s = p.parse_one(R"({"id":"42","text":"Café génial 😍","created_at":"2026-11-22T10:15:30.250+01:00",
      "source":"twitter","lang":"FR","title":"t","url":"https://x.fr/a",
      "author":{"id":"u1","name":"Zoé","followers":1200},"reach":5000,"extra":[1,2]})",
                       &m);
  ASSERT_TRUE(s.ok()) << s.to_string();
  EXPECT_EQ(m.id, "42");
  EXPECT_EQ(m.text, "Café génial 😍");
  EXPECT_EQ(m.created_at_ms, 1795338930250);  // 09:15:30.250Z
  EXPECT_EQ(m.source, "twitter");
  EXPECT_EQ(m.lang, "fr");
  EXPECT_EQ(m.title, "t");
  EXPECT_EQ(m.url, "https://x.fr/a");
  EXPECT_EQ(m.author_id, "u1");
  EXPECT_EQ(m.author_name, "Zoé");
  EXPECT_EQ(m.author_followers, 1200);
  EXPECT_EQ(m.reach, 5000);
}

TEST(mention_parser, sources_are_lower_case) {
  // "News" and "news" are one source: one idempotency key, as watches and filters ignore case.
  mention_parser p;
  mention_view m;
  ASSERT_TRUE(p.parse_one(R"({"id":"1","text":"x","created_at":1,"source":"Google-News_2.FR"})", &m).ok());
  EXPECT_EQ(m.source, "google-news_2.fr");
  ASSERT_TRUE(p.parse_one(R"({"id":"1","text":"x","created_at":1,"source":"news"})", &m).ok());
  EXPECT_EQ(m.source, "news");
}

TEST(mention_parser, defaults_and_epoch_milliseconds) {
  mention_parser p;
  mention_view m;
  ASSERT_TRUE(p.parse_one(R"({"id":"1","text":"","created_at":1767225600000,"lang":null})", &m).ok());
  EXPECT_EQ(m.source, "api");
  EXPECT_EQ(m.lang, "");
  EXPECT_EQ(m.created_at_ms, 1767225600000);
  EXPECT_EQ(m.reach, -1);
  EXPECT_EQ(effective_reach(m), 0);
}

// A post cut short in the middle of an emoji ends with half of a UTF-16 pair: JSON allows
// that escape, and the mention is taken with the replacement character in its place.
TEST(mention_parser, lone_surrogate_escapes_become_replacement_characters) {
  mention_parser p;
  mention_view m;
  ASSERT_TRUE(p.parse_one(R"({"id":"1","text":"trop bien \ud83d","created_at":1})", &m).ok());
  EXPECT_EQ(m.text, "trop bien \xEF\xBF\xBD");
  ASSERT_TRUE(p.parse_one(R"({"id":"2","text":"\udc00a\ud83d\ude00\\ud83d\ud83dx","created_at":1})", &m).ok());
  EXPECT_EQ(m.text, "\xEF\xBF\xBD" "a\xF0\x9F\x98\x80\\ud83d\xEF\xBF\xBDx");  // a pair stays; "\\u" is text
  // Not in an identifier: "x\ud83d" and "x\ud83e" would both be "x\ufffd", one mention.
  const status in_id = p.parse_one(R"({"text":"a \ud83d","id":"x\ud83d","created_at":1})", &m);
  EXPECT_EQ(in_id.message(), "field 'id' holds a lone UTF-16 surrogate escape (\\ud83d) at byte 27: an identifier "
                             "must be whole characters");
  EXPECT_NE(p.parse_one(R"({"id":"1","source":"\udc00","text":"","created_at":1})", &m).message().find("'source'"),
            std::string::npos);
  EXPECT_NE(p.parse_one(R"({"id":"1","text":"","author":{"name":"\ud83d","id":"a\ud83d"},"created_at":1})", &m)
                .message().find("'author.id'"), std::string::npos);
  // Also under a key spelt with escapes.
  EXPECT_NE(p.parse_one(R"({"i\u0064":"x\ud83d","text":"","created_at":1})", &m).message().find("field 'id' holds a lone"),
            std::string::npos);
  EXPECT_NE(p.parse_one(R"({"id":"1","text":"","author":{"\u0069d":"a\udc00"},"created_at":1})", &m)
                .message().find("field 'author.id' holds a lone"), std::string::npos);
  // A bad escape after a lone surrogate does not throw the scan out of step.
  EXPECT_NE(p.parse_one(R"({"text":"\ud83d \u12","id":"1","created_at":1})", &m).message().find("bad \\u escape"),
            std::string::npos);
  // The same words elsewhere are text: an author's name, a key, a string in an array.
  ASSERT_TRUE(p.parse_one(R"({"id":"1","text":"","author":{"name":"\ud83d"},"x":{"id":"\ud83d"},)"
                          R"("y":["id","\ud83d"],"created_at":1})", &m).ok());
  EXPECT_EQ(m.author_name, "\xEF\xBF\xBD");
  // Other bad escapes are still refused, and say what is wrong.
  const status bad = p.parse_one(R"({"id":"3","text":"a \q b","created_at":1})", &m);
  EXPECT_EQ(bad.message(), "invalid JSON: a string holds an unknown escape (\\x), a bad \\u escape or a raw "
                           "control character (tab, new line: escape them)");
}

TEST(mention_parser, each_bad_line_is_reported_and_the_others_taken) {
  std::string body =
      "{\"id\":\"a\",\"text\":\"ok\",\"created_at\":1}\n"
      "{\"id\":\"b\",\"text\":\"ok\"\n"                                 // 2: invalid JSON
      "{\"text\":\"no id\",\"created_at\":1}\n"                         // 3: missing id
      "{\"id\":7,\"text\":\"x\",\"created_at\":1}\n"                    // 4: wrong type
      "\n"                                                              // 5: blank, skipped
      "{\"id\":\"c\",\"text\":\"x\",\"created_at\":\"yesterday\"}\r\n"  // 6: bad time
      "[1,2]\n"                                                         // 7: not an object
      "{\"id\":\"d\",\"text\":\"\xff\",\"created_at\":1}\n"             // 8: invalid UTF-8
      "{\"id\":\"e\",\"text\":\"ok\",\"created_at\":2}";                 // 9: no final newline
  auto items = parse_all(body);
  ASSERT_EQ(items.size(), 8u);
  EXPECT_TRUE(items[0].ok);
  EXPECT_EQ(items[1].line, 2u);
  EXPECT_NE(items[1].id_or_reason.find("invalid JSON"), std::string::npos);
  EXPECT_EQ(items[2].id_or_reason, "missing required field 'id'");
  EXPECT_EQ(items[3].id_or_reason, "field 'id' must be a string, not an integer");
  EXPECT_EQ(items[4].line, 6u);
  EXPECT_NE(items[4].id_or_reason.find("created_at"), std::string::npos);
  EXPECT_EQ(items[5].id_or_reason, "a mention must be a JSON object, not an array");
  EXPECT_EQ(items[6].id_or_reason, "invalid UTF-8");
  EXPECT_EQ(items[7].line, 9u);
  EXPECT_TRUE(items[7].ok);
  EXPECT_EQ(items[7].id_or_reason, "e");
}

TEST(mention_parser, a_number_out_of_range_is_named) {
  auto items = parse_all("{\"id\":\"a\",\"text\":\"ok\",\"created_at\":1,\"reach\":18446744073709551616}\n"
                         "{\"id\":\"b\",\"text\":\"ok\",\"created_at\":1,\"reach\":18446744073709551615}\n");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_FALSE(items[0].ok);
  EXPECT_NE(items[0].id_or_reason.find("a number is malformed or out of range"), std::string::npos) << items[0].id_or_reason;
  EXPECT_TRUE(items[1].ok);  // stored as INT64_MAX, as the schema says
}

TEST(mention_parser, truncated_last_line_is_rejected_alone) {
  auto items = parse_all("{\"id\":\"a\",\"text\":\"ok\",\"created_at\":1}\n{\"id\":\"b\",\"te");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_TRUE(items[0].ok);
  EXPECT_FALSE(items[1].ok);
  EXPECT_EQ(items[1].line, 2u);
}

TEST(mention_parser, oversized_line_is_rejected_with_its_size) {
  mention_parser p({.max_mention_bytes = 64});
  mention_view m;
  std::string line = "{\"id\":\"a\",\"text\":\"" + std::string(100, 'x') + "\",\"created_at\":1}";
  auto s = p.parse_one(line, &m);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("over the limit of 64"), std::string::npos);
}

TEST(mention_parser, json_array_items_are_numbered_by_position) {
  auto items = parse_all(R"([{"id":"a","text":"x","created_at":1},{"id":"b"},
                             {"id":"c","text":"x","created_at":1}])",
                         batch_format::json_array);
  ASSERT_EQ(items.size(), 3u);
  EXPECT_TRUE(items[0].ok);
  EXPECT_EQ(items[1].line, 2u);
  EXPECT_EQ(items[1].id_or_reason, "missing required field 'text'");
  EXPECT_EQ(items[2].id_or_reason, "c");
}

TEST(mention_parser, json_array_body_that_is_not_an_array_fails_whole) {
  mention_parser p;
  auto s = p.parse_batch(R"({"id":"a"})", batch_format::json_array,
                         [](std::size_t, const status&, const mention_view&) {});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("must be a JSON array"), std::string::npos);
}

TEST(mention_parser, json_array_element_over_the_limit_is_rejected_alone) {
  mention_parser p({.max_mention_bytes = 64});
  std::vector<item> out;
  const std::string body = R"([{"id":"a","text":")" + std::string(100, 'x') + R"(","created_at":1},
                               {"id":"b","text":"short","created_at":1}])";
  auto s = p.parse_batch(body, batch_format::json_array, [&](std::size_t line, const status& st, const mention_view& m) {
    out.push_back({line, st.ok(), st.ok() ? std::string(m.id) : st.message()});
  });
  ASSERT_TRUE(s.ok()) << s.to_string();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_FALSE(out[0].ok);
  EXPECT_NE(out[0].id_or_reason.find("over the limit of 64"), std::string::npos) << out[0].id_or_reason;
  EXPECT_EQ(out[1].id_or_reason, "b");
}

TEST(mention_parser, json_array_element_with_bad_utf8_or_escape_costs_only_itself) {
  const std::string body = "[{\"id\":\"a\",\"text\":\"ok\",\"created_at\":1},\n"
                           " {\"id\":\"b\",\"text\":\"\xff\",\"created_at\":1},\n"
                           " {\"id\":\"c\",\"text\":\"\\q\",\"created_at\":1},\n"
                           " {\"id\":\"d, ]}\",\"text\":\"a \\\"quoted\\\" [word]\",\"created_at\":1} ]";
  auto items = parse_all(body, batch_format::json_array);
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[0].id_or_reason, "a");
  EXPECT_FALSE(items[1].ok);
  EXPECT_EQ(items[1].line, 2u);
  EXPECT_FALSE(items[2].ok);
  EXPECT_EQ(items[2].line, 3u);
  EXPECT_TRUE(items[3].ok);
  EXPECT_EQ(items[3].id_or_reason, "d, ]}");
}

TEST(mention_parser, json_array_with_broken_structure_fails_whole_with_its_byte) {
  mention_parser p;
  int calls = 0;
  auto count = [&](std::size_t, const status&, const mention_view&) { ++calls; };
  auto s = p.parse_batch(R"([{"id":"a","text":"x","created_at":1},{"id":"b","te)", batch_format::json_array, count);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("at byte"), std::string::npos) << s.message();
  s = p.parse_batch(R"([{"id":"a","text":"x","created_at":1}] trailing)", batch_format::json_array, count);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("after the array at byte 40"), std::string::npos) << s.message();
  // A comma too many, wherever it is.
  for (const char* body : {R"([{"id":"a","text":"x","created_at":1},])", R"([,{"id":"a","text":"x","created_at":1}])",
                           R"([{"id":"a","text":"x","created_at":1},,{"id":"b","text":"x","created_at":1}])"}) {
    s = p.parse_batch(body, batch_format::json_array, count);
    EXPECT_EQ(s.code(), status_code::invalid_argument) << body;
    EXPECT_NE(s.message().find("an empty element (a comma too many) at byte"), std::string::npos) << s.message();
  }
  EXPECT_EQ(calls, 0);
}

TEST(mention_parser, byte_order_mark_is_skipped) {
  auto lines = parse_all("\xEF\xBB\xBF{\"id\":\"a\",\"text\":\"x\",\"created_at\":1}\n");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].id_or_reason, "a");
  auto elements = parse_all("\xEF\xBB\xBF[{\"id\":\"b\",\"text\":\"x\",\"created_at\":1}]", batch_format::json_array);
  ASSERT_EQ(elements.size(), 1u);
  EXPECT_EQ(elements[0].id_or_reason, "b");
}

TEST(mention_parser, field_limits) {
  mention_parser p;
  mention_view m;
  EXPECT_FALSE(p.parse_one(R"({"id":"","text":"x","created_at":1})", &m).ok());
  EXPECT_FALSE(p.parse_one(R"({"id":"a","text":"x","created_at":1,"source":"a/b"})", &m).ok());
  EXPECT_FALSE(p.parse_one(R"({"id":"a","text":"x","created_at":1,"lang":"french"})", &m).ok());
  EXPECT_TRUE(p.parse_one(R"({"id":"a","text":"x","created_at":1,"lang":"fr-CA"})", &m).ok());
  EXPECT_EQ(m.lang, "fr");
  EXPECT_FALSE(p.parse_one(R"({"id":"a","text":"x","created_at":-5})", &m).ok());
  EXPECT_FALSE(p.parse_one(R"({"id":"a","text":"x","created_at":1,"reach":-1})", &m).ok());
  EXPECT_FALSE(p.parse_one(R"({"id":"a","text":"x","created_at":1,"author":"bob"})", &m).ok());
  std::string long_id = R"({"id":")" + std::string(300, 'x') + R"(","text":"x","created_at":1})";
  EXPECT_FALSE(p.parse_one(long_id, &m).ok());
  EXPECT_FALSE(p.parse_one(R"({"id":"a","text":"x","created_at":1,"lang":"fr-"})", &m).ok());
  EXPECT_FALSE(p.parse_one("{\"id\":\"a\xC2\x85\",\"text\":\"x\",\"created_at\":1}", &m).ok());  // U+0085
  EXPECT_TRUE(p.parse_one("{\"id\":\"caf\xC3\xA9 \xC2\xA0\",\"text\":\"x\",\"created_at\":1}", &m).ok());
  auto s = p.parse_one(R"({"id":"a","text":"x","created_at":"0000-01-01T00:00:00Z"})", &m);
  EXPECT_EQ(s.message(), "field 'created_at' is outside 1970-01-01..9999-12-31");
}

TEST(mention_parser, a_field_given_twice_is_refused) {
  // Parsers disagree on which of the two counts: neither is taken.
  mention_parser p;
  mention_view m;
  auto s = p.parse_one(R"({"id":"a","text":"super","created_at":1,"text":"arnaque"})", &m);
  EXPECT_EQ(s.message(), "field 'text' is given twice");
  s = p.parse_one(R"({"id":"a","text":"x","created_at":1,"author":{"id":"u1","name":"A","id":"u2"}})", &m);
  EXPECT_EQ(s.message(), "field 'author.id' is given twice");
  // Fields outside the format are ignored, twice or not.
  EXPECT_TRUE(p.parse_one(R"({"id":"a","text":"x","created_at":1,"extra":1,"extra":2})", &m).ok());
  EXPECT_TRUE(p.parse_one(R"({"id":"a","text":"x","created_at":1,"author":{"id":"u1"},"reach":3})", &m).ok());
}

TEST(rfc3339, accepts_the_forms_rfc3339_allows) {
  EXPECT_EQ(*parse_rfc3339_ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*parse_rfc3339_ms("2024-02-29T12:00:00.5Z"), 1709208000500);
  EXPECT_EQ(*parse_rfc3339_ms("2024-02-29t12:00:00.123456z"), 1709208000123);
  EXPECT_EQ(*parse_rfc3339_ms("2024-02-29T13:30:00+01:30"), 1709208000000);
  EXPECT_FALSE(parse_rfc3339_ms("2023-02-29T12:00:00Z").ok());
  EXPECT_FALSE(parse_rfc3339_ms("2024-02-29T12:00:00").ok());
  EXPECT_FALSE(parse_rfc3339_ms("2024-02-29").ok());
  EXPECT_FALSE(parse_rfc3339_ms("2024-02-29T12:00:00Zjunk").ok());
  auto bad = parse_rfc3339_ms("2024-13-01T00:00:00Z");
  EXPECT_NE(bad.status().message().find("character 6"), std::string::npos);
  // A leap second ends a UTC day, and is folded into the next second.
  EXPECT_EQ(*parse_rfc3339_ms("2016-12-31T23:59:60Z"), 1483228800000);
  EXPECT_EQ(*parse_rfc3339_ms("2016-12-31T15:59:60.5-08:00"), 1483228800500);
  const auto midday = parse_rfc3339_ms("2026-11-23T14:59:60Z");
  ASSERT_FALSE(midday.ok());
  EXPECT_NE(midday.status().message().find("only at 23:59:60 UTC"), std::string::npos) << midday.status().message();
  EXPECT_FALSE(parse_rfc3339_ms("2016-12-31T23:59:60+01:00").ok());  // 22:59:60 UTC
}

}  // namespace
}  // namespace vigie::pipeline
