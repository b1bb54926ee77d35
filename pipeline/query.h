// query: the watch query language, parsed into a tree that watch_matcher compiles.
//
// A watch's query says which mentions belong to it (DESIGN.md, "Watch"):
//
//   borel OR "mistrale telecom"           terms and "exact phrases"
//   borel (arnaque OR escroquerie)        implicit AND between adjacent operands
//   borel NOT rappel                      binary NOT: borel AND NOT rappel
//   borel AND (NOT rappel OR lang:fr)     unary NOT where an operand is expected
//   recycl*                               prefix wildcard, >= 3 characters before '*'
//   borel NEAR/3 arnaque                  both within 3 words, any order ("a x y b" is 3)
//   borel ONEAR/2 "service client"        in this order, within 2 words
//   (borel OR kelvio) NEAR/5 panne        NEAR operands: terms, phrases, or an OR of them
//   lang:fr source:news author:jdupont    field filters; author: is an id or a name
//   site:lemonde.fr title:"greve"         url host (label suffix: www.lemonde.fr), title
//   #boycottborel @borel_officiel         a hashtag or handle as such
//
// Precedence, tightest first: NEAR/ONEAR, NOT, AND (explicit or implicit), OR; parentheses
// group. Operators are the uppercase keywords AND, OR, NOT, NEAR/n, ONEAR/n: lowercase "and",
// "or", "not", "near" are plain terms (quote "AND" to search the word itself).
//
// Matching (watch_matcher) ignores case and Latin accents ("cafe" finds "Café", "CAFÉ") and
// respects word boundaries: orange does not match "orangeade", only orange* does. Words are
// runs of letters and digits; apostrophes, hyphens and dots separate them, so a term written
// with them is a phrase (wi-fi == "wi fi", l'oreal == "l oreal"). Hashtags and handles: the
// term #boycottborel matches the tag #BoycottBorel; a plain term matches the tag's words too,
// split on camelCase, '_' and digits, so borel matches #Borel, #BoycottBorel and @borel_fr,
// and the tag's whole word (iphone matches #iPhone, which splits into "i" and "phone")
// (recall first: a crisis hashtag is exactly what a brand watch wants). A plain term searches
// the title and the text; title: only the title. '*' inside quotes is not a wildcard.
//
//   vigie::pipeline::query_error error;
//   auto q = vigie::pipeline::parse_query("borel NEAR/3 arnaque", &error);
//   if (!q.ok()) reply(400, vigie::pipeline::to_json(error));  // {"position":..,"column":..}
//   else reply(200, vigie::pipeline::to_json(*q));
//
// Thread safety: parse_query is reentrant; a query is a plain value.

#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/status.h"

namespace vigie::pipeline {

// Longest query text, in bytes: a watch is a saved search, not a document.
inline constexpr std::size_t max_query_bytes = 4096;
// Most leaves (terms, phrases, wildcards, field filters) in one query: bounds the matcher's
// work per candidate mention.
inline constexpr std::size_t max_query_terms = 256;
// Deepest nesting of parentheses and unary NOTs: bounds the parser's and evaluator's stack.
inline constexpr std::size_t max_query_depth = 32;
// Fewest characters before a wildcard's '*': "a*" would match a good part of the language.
inline constexpr std::size_t min_wildcard_prefix = 3;
// NEAR/n and ONEAR/n accept n in [1, max_near_distance].
inline constexpr std::size_t max_near_distance = 100;

enum class query_op : std::uint8_t {
  term,    // a word or words as written without quotes; `prefix` for wildcards
  phrase,  // "words in quotes": consecutive words
  all,     // AND (explicit, implicit, or the left side of a binary NOT)
  any,     // OR
  none,    // NOT: its one child must not match
  near,    // NEAR/n: two children within `distance` words, any order
  onear,   // ONEAR/n: the first child then the second, within `distance` words
  field,   // lang:, source:, author:, site: filters (title: is a term/phrase with field title)
};

enum class query_field : std::uint8_t { none, lang, source, author, site, title };

std::string_view to_string(query_op op) noexcept;
std::string_view to_string(query_field field) noexcept;

struct query_node {
  query_op op = query_op::term;
  // term/phrase: none or title. field: lang, source, author or site.
  query_field field = query_field::none;
  // term (and title: term): the last word is a prefix ("recycl*").
  bool prefix = false;
  // near/onear: the distance n.
  std::uint8_t distance = 0;
  // Byte offset of the node in the query text (its first token).
  std::uint32_t position = 0;
  // term/phrase/field: the value as written, without quotes, '*' or field name.
  // lang, source and site values are lower-cased.
  std::string value;
  // term/phrase, and author: the folded words ("Café Borel" -> "cafe", "borel").
  std::vector<std::string> words;
  // all/any: two or more; none: one; near/onear: two (left, right). Indices into query::nodes.
  std::vector<std::uint32_t> children;
};

struct query {
  std::string text;               // as given
  std::vector<query_node> nodes;  // the tree; children before parents
  std::uint32_t root = 0;
  std::size_t term_count = 0;     // leaves
};

// Where and why a query was refused. position is a byte offset into the query text, column
// the 1-based position in characters (code points), for editors.
struct query_error {
  std::size_t position = 0;
  std::size_t column = 1;
  std::string message;
};

// Parses a query. Never throws. On error the status message is "column C: <message>" and
// *error (if given) holds the position, column and message. Refused, among others: an empty
// query, unbalanced parentheses, a dangling operator, an empty phrase, NEAR without a
// distance in [1, 100], an unknown field, a control character (tab, CR and LF are spaces),
// invalid UTF-8, a query that matches without any positive term ("NOT x", "x OR NOT y",
// "lang:fr"), and the limits above.
[[nodiscard]] result<query> parse_query(std::string_view text, query_error* error = nullptr);

// The parsed tree as JSON, for POST /v1/watches:validate:
//   {"op":"all","position":0,"children":[{"op":"term","position":0,"value":"borel",
//    "words":["borel"]},{"op":"near","distance":3,...}]}
std::string to_json(const query& q);

// {"position":12,"column":13,"message":"unbalanced ')'"}
std::string to_json(const query_error& error);

}  // namespace vigie::pipeline
