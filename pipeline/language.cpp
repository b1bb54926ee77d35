#include "pipeline/language.h"

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

#include <cstring>

namespace vigie::pipeline {

std::string_view detect_language(std::string_view text) noexcept {
  if (text.size() < min_detect_bytes) return {};
  std::size_t n = text.size() < max_detect_bytes ? text.size() : max_detect_bytes;
  // Do not cut a UTF-8 sequence in two: CLD2 expects valid UTF-8.
  while (n > 0 && n < text.size() && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  // No letter at all (numbers, punctuation): nothing to detect; CLD2 would answer "en".
  bool has_letter = false;
  for (std::size_t i = 0; i < n && !has_letter; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    has_letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0xC0;
  }
  if (!has_letter) return {};
  bool reliable = false;
  // is_plain_text=true: mentions are text, not HTML; CLD2 skips URLs, @names and #tags itself.
  CLD2::Language lang = CLD2::DetectLanguage(text.data(), static_cast<int>(n), true, &reliable);
  if (lang == CLD2::UNKNOWN_LANGUAGE || lang == CLD2::TG_UNKNOWN_LANGUAGE) return {};
  // Short social posts are often "not reliable" yet right when CLD2 names en or fr; for other
  // languages an unreliable guess is more likely noise, and neutral is the safe answer.
  const char* code = CLD2::LanguageCode(lang);
  if (code == nullptr || std::strlen(code) != 2) return {};
  std::string_view c(code);
  if (!reliable && c != "en" && c != "fr") return {};
  return c;
}

}  // namespace vigie::pipeline
