#include "storage/keys.h"

#include <cstring>

namespace vigie::storage {

namespace {

constexpr std::uint64_t sign_bit = std::uint64_t{1} << 63;

void append_u64_be(std::uint64_t v, std::string* out) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  out->append(buf, 8);
}

void append_short_string(std::string_view s, std::string* out) {
  out->push_back(static_cast<char>(static_cast<unsigned char>(s.size())));
  out->append(s);
}

}  // namespace

namespace {

bool valid_name(std::string_view s, std::size_t max_bytes) noexcept {
  if (s.empty() || s.size() > max_bytes) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

bool valid_tenant(std::string_view tenant) noexcept { return valid_name(tenant, max_tenant_bytes); }

bool dot_segment(std::string_view name) noexcept { return name == "." || name == ".."; }

bool valid_source(std::string_view source) noexcept { return valid_name(source, max_source_bytes); }

bool fold_source(std::string_view source, char* out) noexcept {
  bool changed = false;
  for (std::size_t i = 0; i < source.size(); ++i) {
    const char c = source[i];
    changed |= c >= 'A' && c <= 'Z';
    out[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
  }
  return changed;
}

bool valid_watch_id(std::string_view id) noexcept { return valid_name(id, max_watch_id_bytes); }

void append_watch_key(std::string_view tenant, std::string_view watch_id, std::string* out) {
  append_tenant_prefix(tenant, out);
  out->append(watch_id);
}

void append_watch_prefix(std::string_view tenant, std::string_view watch_id, std::string* out) {
  append_tenant_prefix(tenant, out);
  append_short_string(watch_id, out);
}

void append_tenant_prefix(std::string_view tenant, std::string* out) {
  append_short_string(tenant, out);
}

std::string tenant_upper_bound(std::string_view tenant) {
  // Tenant names never contain 0xff, so bumping the last byte gives the first key past the
  // prefix without carrying.
  std::string bound;
  append_tenant_prefix(tenant, &bound);
  bound.back() = static_cast<char>(static_cast<unsigned char>(bound.back()) + 1);
  return bound;
}

void append_time(std::int64_t ms, std::string* out) {
  append_u64_be(static_cast<std::uint64_t>(ms) ^ sign_bit, out);
}

std::int64_t decode_time(const char* p) noexcept {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return static_cast<std::int64_t>(v ^ sign_bit);
}

void append_mention_key(const mention_key& key, std::string* out) {
  append_tenant_prefix(key.tenant, out);
  append_time(key.created_at_ms, out);
  append_short_string(key.source, out);
  out->append(key.id);
}

std::string_view mention_key_suffix(std::string_view key) noexcept {
  if (key.empty()) return {};
  std::size_t skip = 1 + static_cast<unsigned char>(key[0]);
  if (skip > key.size()) return {};
  return key.substr(skip);
}

void append_dedup_key(std::string_view tenant, std::string_view source, std::string_view id,
                      std::string* out) {
  append_tenant_prefix(tenant, out);
  append_short_string(source, out);
  out->append(id);
}

result<mention_key> decode_mention_key_suffix(std::string_view s) {
  if (s.size() < 9) return corruption("mention key too short");
  mention_key k;
  k.created_at_ms = decode_time(s.data());
  std::size_t source_len = static_cast<unsigned char>(s[8]);
  if (9 + source_len > s.size()) return corruption("mention key source overruns the key");
  k.source = s.substr(9, source_len);
  k.id = s.substr(9 + source_len);
  return k;
}

result<mention_key> decode_mention_key(std::string_view key) {
  if (key.empty()) return corruption("empty mention key");
  std::size_t tenant_len = static_cast<unsigned char>(key[0]);
  if (1 + tenant_len > key.size()) return corruption("mention key tenant overruns the key");
  auto rest = decode_mention_key_suffix(key.substr(1 + tenant_len));
  if (!rest.ok()) return rest.status();
  rest->tenant = key.substr(1, tenant_len);
  return rest;
}

}  // namespace vigie::storage
