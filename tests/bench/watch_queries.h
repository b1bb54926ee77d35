// watch_queries: realistic generated watch queries for the matcher and watch benchmarks:
// pseudo-word brands and products, and ten queries per brand in the styles people write
// (phrases, NEAR, ONEAR, NOT, wildcards, hashtags, field filters).

#pragma once

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace vigie::bench {

// A brand-like word of 2 or 3 syllables, capitalised ("Kalomi").
inline std::string pseudo_word(std::mt19937_64& rng) {
  static const char* syllables[] = {"ka", "lo", "mi", "ra", "tel", "vo", "zen", "bri", "cor", "da",
                                    "fer", "gal", "nor", "pla", "qui", "sol", "tur", "vex", "wa", "ly"};
  std::string w;
  const int n = 2 + static_cast<int>(rng() % 2);
  for (int i = 0; i < n; ++i) w += syllables[rng() % 20];
  w[0] = static_cast<char>(w[0] - 'a' + 'A');
  return w;
}

// Ten watch queries about one brand, in the styles people write them.
inline std::vector<std::string> brand_queries(const std::string& brand, const std::vector<std::string>& products,
                                       std::mt19937_64& rng) {
  const bool two_words = brand.find(' ') != std::string::npos;
  const std::string b = two_words ? "\"" + brand + "\"" : brand;
  std::string tag = brand;
  tag.erase(std::remove(tag.begin(), tag.end(), ' '), tag.end());
  static const char* langs[] = {"fr", "en"};
  static const char* sources[] = {"twitter", "news", "reddit", "blog", "reviews"};
  static const char* sites[] = {"lemonde.fr", "lefigaro.fr", "bfmtv.com", "reddit.com", "trustpilot.com"};
  return {
      b,
      "\"" + brand + " " + products[0] + "\" OR \"" + products[0] + " " + brand + "\"",
      b + " NEAR/5 (arnaque OR scandale OR panne OR nul OR honte OR scam OR fraud*)",
      b + " (recycl* OR écolo* OR durable OR sustainab*)",
      "(" + b + " OR " + products[1] + ") NOT (emploi OR recrutement OR hiring)",
      "#boycott" + tag + " OR #" + tag + "fail OR @" + tag + "_officiel",
      b + " lang:" + langs[rng() % 2] + " source:" + sources[rng() % 5],
      "(" + b + " OR " + products[0] + " OR " + products[2] + ") site:" + sites[rng() % 5],
      "title:" + b + " OR (" + b + " ONEAR/3 \"service client\")",
      b + " ONEAR/2 (" + products[1] + " OR " + products[2] + "*)",
  };
}

}  // namespace vigie::bench
