#include "pipeline/mention_codec.h"

#include <cstring>

namespace vigie::pipeline {

namespace {

// Readers ignore the bits they do not know: a flag is added without a new version.
enum flags : unsigned char {
  flag_lang_detected = 1 << 0,
  flag_sentiment_unsupported = 1 << 1,  // sentiment::supported is false
};

void put_varint(std::uint64_t v, std::string* out) {
  char buf[10];
  int n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out->append(buf, static_cast<std::size_t>(n));
}

std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
std::int64_t unzigzag(std::uint64_t v) {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

void put_string(std::string_view s, std::string* out) {
  put_varint(s.size(), out);
  out->append(s);
}

struct reader {
  std::string_view in;
  bool failed = false;

  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in.empty()) break;
      auto b = static_cast<unsigned char>(in.front());
      in.remove_prefix(1);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    failed = true;
    return 0;
  }
  std::string_view string() {
    std::uint64_t n = varint();
    if (failed || n > in.size()) {
      failed = true;
      return {};
    }
    std::string_view s = in.substr(0, n);
    in.remove_prefix(n);
    return s;
  }
  unsigned char byte() {
    if (in.empty()) {
      failed = true;
      return 0;
    }
    auto b = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    return b;
  }
};

}  // namespace

// Layout, version 2 (version 1 is the same without the last string):
//   version:u8 flags:u8 sentiment_label:u8 sentiment_score:f32le
//   created_at:zigzag-varint ingested_at:zigzag-varint reach+1:varint followers+1:varint
//   then length-prefixed (varint) strings: source id lang text title url author_id author_name
//   watches (comma-separated ids)
void encode_mention(const mention_view& m, std::string* out) {
  out->push_back(static_cast<char>(mention_record_version));
  out->push_back(static_cast<char>((m.lang_detected ? flag_lang_detected : 0) |
                                   (m.sent.supported ? 0 : flag_sentiment_unsupported)));
  out->push_back(static_cast<char>(m.sent.label));
  std::uint32_t bits;
  std::memcpy(&bits, &m.sent.score, 4);
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>(bits >> (8 * i)));
  put_varint(zigzag(m.created_at_ms), out);
  put_varint(zigzag(m.ingested_at_ms), out);
  // In unsigned arithmetic: -1 (not given) is 0, and INT64_MAX + 1 does not overflow.
  put_varint(static_cast<std::uint64_t>(m.reach) + 1, out);
  put_varint(static_cast<std::uint64_t>(m.author_followers) + 1, out);
  put_string(m.source, out);
  put_string(m.id, out);
  put_string(m.lang, out);
  put_string(m.text, out);
  put_string(m.title, out);
  put_string(m.url, out);
  put_string(m.author_id, out);
  put_string(m.author_name, out);
  put_string(m.watches, out);
}

status decode_mention(std::string_view record, mention_view* out) {
  reader r{record};
  unsigned char version = r.byte();
  if (r.failed) return corruption("empty mention record");
  if (version != 1 && version != mention_record_version) {
    return corruption("mention record version " + std::to_string(version) +
                      " is not supported (expected " + std::to_string(mention_record_version) +
                      ")");
  }
  *out = mention_view{};
  unsigned char f = r.byte();
  unsigned char label = r.byte();
  std::uint32_t bits = 0;
  for (int i = 0; i < 4; ++i) bits |= static_cast<std::uint32_t>(r.byte()) << (8 * i);
  out->lang_detected = (f & flag_lang_detected) != 0;
  out->sent.supported = (f & flag_sentiment_unsupported) == 0;
  if (label > static_cast<unsigned char>(sentiment_label::negative)) {
    return corruption("mention record has an unknown sentiment label");
  }
  out->sent.label = static_cast<sentiment_label>(label);
  std::memcpy(&out->sent.score, &bits, 4);
  out->created_at_ms = unzigzag(r.varint());
  out->ingested_at_ms = unzigzag(r.varint());
  out->reach = static_cast<std::int64_t>(r.varint() - 1);
  out->author_followers = static_cast<std::int64_t>(r.varint() - 1);
  out->source = r.string();
  out->id = r.string();
  out->lang = r.string();
  out->text = r.string();
  out->title = r.string();
  out->url = r.string();
  out->author_id = r.string();
  out->author_name = r.string();
  if (version >= 2) out->watches = r.string();
  if (r.failed) return corruption("truncated mention record");
  return status::ok_status();
}

}  // namespace vigie::pipeline
