// mention_codec: the compact, versioned binary record a mention is stored as
// (proto/storage.md, "Mention record").
//
//   std::string record;
//   vigie::pipeline::encode_mention(m, &record);
//   vigie::pipeline::mention_view back;
//   auto s = vigie::pipeline::decode_mention(record, &back);  // views into record
//
// Thread safety: free functions, no shared state.

#pragma once

#include <string>
#include <string_view>

#include "pipeline/mention.h"
#include "storage/status.h"

namespace vigie::pipeline {

// Version 2 added the matched watches; version 1 records (no watches) are still read.
inline constexpr unsigned char mention_record_version = 2;

// Appends the record of m to *out.
void encode_mention(const mention_view& m, std::string* out);

// Decodes a record; *out's views point into record. Unknown versions and truncated records
// are corruption errors, never crashes.
status decode_mention(std::string_view record, mention_view* out);

}  // namespace vigie::pipeline
