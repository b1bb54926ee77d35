// language: detection of a mention's language when the source does not give it.
//
// Wraps CLD2 (Compact Language Detector 2, Debian's libcld2). It is off the hot path when the
// source gives `lang`; the enrich stage calls it only for mentions without one.
//
//   std::string_view lang = vigie::pipeline::detect_language("Le SAV est injoignable");
//   // "fr"; "" when the text is too short or too mixed to tell
//
// Thread safety: a pure function; call it from any number of threads (CLD2 keeps no state).

#pragma once

#include <string_view>

namespace vigie::pipeline {

// Shortest text, in bytes, worth asking CLD2 about: below this ("ok", "lol") a guess is noise.
inline constexpr std::size_t min_detect_bytes = 8;
// Longest prefix of a text that is examined. CLD2's cost grows with what it reads, and the
// language of an article is settled within its first kilobyte.
inline constexpr std::size_t max_detect_bytes = 1024;

// ISO 639-1 code ("fr", "en", "de", ...) of the text's language, or "" when unknown or not
// reliable. The returned view points to static storage. *sure, when given, tells whether the
// answer is firm: clear function words, or CLD2 calling its guess reliable. Short social posts
// often get an unsure "en" or "fr" ("Trop bien" is an unsure "en"). Text that is not valid
// UTF-8 is told by its function words only, or is unknown: CLD2 is not asked.
std::string_view detect_language(std::string_view text, bool* sure = nullptr) noexcept;

// French function words minus English ones in the text ("au", "le" against "the", "it"), or 0
// when it has a function word of another language: a lean, for posts too short to be told
// apart by detect_language() ("Nuvela fibre au top" leans French by one).
int function_word_lean(std::string_view text) noexcept;

}  // namespace vigie::pipeline
