// keys: the byte layout of every RocksDB key Vigie writes (proto/storage.md documents it).
//
// Every key starts with the tenant, length-prefixed, so that one tenant's keys form one
// contiguous range that no other tenant's prefix can reach ("ab" is never a prefix of "abc"'s
// keys). Integers are big-endian so that byte order is numeric order; event times have their
// sign bit flipped so that times before 1970 still sort first.
//
//   std::string k;
//   vigie::storage::append_mention_key({"acme", 1767225600000, "twitter", "42"}, &k);
//   auto parts = vigie::storage::decode_mention_key(k);   // the same four fields back
//
// Thread safety: free functions, no shared state.

#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/status.h"

namespace vigie::storage {

// Limits that keep keys bounded; the ingest layer rejects longer values with a clear error.
inline constexpr std::size_t max_tenant_bytes = 64;
inline constexpr std::size_t max_source_bytes = 64;
inline constexpr std::size_t max_id_bytes = 256;
inline constexpr std::size_t max_watch_id_bytes = 128;

// Names are characters of [A-Za-z0-9_.-].
// "." and "..": path segments that clients and proxies resolve away (/v1/watches/..). New
// tenants, watches, webhooks and sources may not be named so; names stored by earlier
// versions are still read, listed and deleted.
bool dot_segment(std::string_view name) noexcept;

// A tenant name: 1 to 64 characters.
bool valid_tenant(std::string_view tenant) noexcept;

// A source name: 1 to 64 characters.
bool valid_source(std::string_view source) noexcept;

// Sources ignore case: the form a source is stored and keyed under, its ASCII letters lower
// case ("News" is "news"), written to out, which has room for source.size() bytes. Returns
// whether it differs from source.
bool fold_source(std::string_view source, char* out) noexcept;

// A watch id: 1 to 128 characters (no slashes: ids are URL path segments).
bool valid_watch_id(std::string_view id) noexcept;

// The identity of a mention in storage. (tenant, source, id) is the idempotency key;
// created_at_ms orders mentions in time.
struct mention_key {
  std::string_view tenant;
  std::int64_t created_at_ms = 0;
  std::string_view source;
  std::string_view id;
};

// [tenant_len:1][tenant]
void append_tenant_prefix(std::string_view tenant, std::string* out);

// The first key after every key that starts with the tenant prefix (an iterate_upper_bound).
std::string tenant_upper_bound(std::string_view tenant);

// Event time as 8 big-endian bytes with the sign bit flipped.
void append_time(std::int64_t ms, std::string* out);
std::int64_t decode_time(const char* p) noexcept;

// mentions column family: [tenant prefix][created_at:8][source_len:1][source][id]
void append_mention_key(const mention_key& key, std::string* out);

// The part of a mention key after the tenant prefix: what a pagination cursor carries.
std::string_view mention_key_suffix(std::string_view key) noexcept;

// dedup column family: [tenant prefix][source_len:1][source][id] -> created_at:8
void append_dedup_key(std::string_view tenant, std::string_view source, std::string_view id,
                      std::string* out);

// watches column family: [tenant prefix][watch id] -> watch definition
void append_watch_key(std::string_view tenant, std::string_view watch_id, std::string* out);

// Per-watch prefix shared by watch_index, series and facets keys:
// [tenant prefix][watch_len:1][watch id]
void append_watch_prefix(std::string_view tenant, std::string_view watch_id, std::string* out);

// Splits a mentions key back into its parts (views into key).
result<mention_key> decode_mention_key(std::string_view key);

// Splits a mentions key suffix (as returned by mention_key_suffix) into time, source and id.
result<mention_key> decode_mention_key_suffix(std::string_view suffix);

}  // namespace vigie::storage
