#include "pipeline/query.h"

#include <gtest/gtest.h>

#include <string>

namespace vigie::pipeline {
namespace {

// The tree in a compact form: (and borel (or a b)), "phrase", recycl*, lang:fr, (near/3 a b).
std::string shape(const query& q, std::uint32_t i) {
  const query_node& n = q.nodes[i];
  std::string prefix = n.field == query_field::title ? "title:" : "";
  switch (n.op) {
    case query_op::term: {
      std::string s = prefix;
      for (std::size_t k = 0; k < n.words.size(); ++k) s += (k ? "_" : "") + n.words[k];
      return s + (n.prefix ? "*" : "");
    }
    case query_op::phrase: {
      std::string s = prefix + "\"";
      for (std::size_t k = 0; k < n.words.size(); ++k) s += (k ? " " : "") + n.words[k];
      return s + "\"";
    }
    case query_op::field:
      return std::string(to_string(n.field)) + ":" + n.value;
    default: {
      std::string s = "(" + std::string(to_string(n.op));
      if (n.op == query_op::near || n.op == query_op::onear) s += "/" + std::to_string(n.distance);
      for (auto c : n.children) s += " " + shape(q, c);
      return s + ")";
    }
  }
}

std::string shape(std::string_view text) {
  auto q = parse_query(text);
  if (!q.ok()) return "error: " + q.status().message();
  return shape(*q, q->root);
}

query_error error_of(std::string_view text) {
  query_error e;
  auto q = parse_query(text, &e);
  EXPECT_FALSE(q.ok()) << text;
  if (!q.ok()) {
    EXPECT_EQ(q.status().message(), "column " + std::to_string(e.column) + ": " + e.message);
  }
  return e;
}

TEST(query, terms_phrases_and_implicit_and) {
  EXPECT_EQ(shape("borel"), "borel");
  EXPECT_EQ(shape("Borel Kelvio"), "(and borel kelvio)");
  EXPECT_EQ(shape("\"Mistrale Télécom\""), "\"mistrale telecom\"");
  EXPECT_EQ(shape("borel AND kelvio AND veloria"), "(and borel kelvio veloria)");
  EXPECT_EQ(shape("borel OR kelvio"), "(or borel kelvio)");
}

TEST(query, precedence_not_over_and_over_or) {
  EXPECT_EQ(shape("a1 OR b1 c1"), "(or a1 (and b1 c1))");
  EXPECT_EQ(shape("a1 b1 OR c1"), "(or (and a1 b1) c1)");
  EXPECT_EQ(shape("a1 NOT b1 OR c1"), "(or (and a1 (not b1)) c1)");
  EXPECT_EQ(shape("(a1 OR b1) c1"), "(and (or a1 b1) c1)");
  EXPECT_EQ(shape("borel AND NOT rappel"), "(and borel (not rappel))");
  EXPECT_EQ(shape("borel (NOT rappel OR lang:fr)"), "(and borel (or (not rappel) lang:fr))");
  EXPECT_EQ(shape("NOT rappel borel"), "(and (not rappel) borel)");
  EXPECT_EQ(shape("a1 NOT NOT b1"), "(and a1 (not (not b1)))");
}

TEST(query, lowercase_operators_are_terms) {
  EXPECT_EQ(shape("borel and kelvio"), "(and borel and kelvio)");
  EXPECT_EQ(shape("rock or roll"), "(and rock or roll)");
  EXPECT_EQ(shape("borel near kelvio"), "(and borel near kelvio)");
  EXPECT_EQ(shape("\"AND\""), "\"and\"");
  EXPECT_EQ(shape("NEARBY"), "nearby");
}

TEST(query, wildcards) {
  EXPECT_EQ(shape("recycl*"), "recycl*");
  EXPECT_EQ(shape("écol*"), "ecol*");
  EXPECT_EQ(shape("#boycott*"), "#boycott*");
  EXPECT_EQ(shape("wifi-box*"), "wifi_box*");
  // The rule applies to the word the '*' ends: "fi" is too short even after "wi-".
  EXPECT_EQ(shape("wi-fi*"), "error: column 6: wildcard prefix too short: at least 3 characters before '*'");
  EXPECT_EQ(shape("\"recycl*\""), "\"recycl\"");  // no wildcard inside quotes
}

TEST(query, words_are_folded_and_split_like_mentions) {
  EXPECT_EQ(shape("CAFÉ"), "cafe");
  EXPECT_EQ(shape("l'Oréal"), "l_oreal");
  EXPECT_EQ(shape("wi-fi"), "wi_fi");
  EXPECT_EQ(shape("#BoycottBorel"), "#boycottborel");
  EXPECT_EQ(shape("@Borel_FR"), "@borel_fr");
  EXPECT_EQ(shape("Œuvre"), "oeuvre");
}

TEST(query, near_and_onear) {
  EXPECT_EQ(shape("borel NEAR/3 arnaque"), "(near/3 borel arnaque)");
  EXPECT_EQ(shape("borel ONEAR/1 \"service client\""), "(onear/1 borel \"service client\")");
  EXPECT_EQ(shape("(borel OR kelvio) NEAR/5 panne*"), "(near/5 (or borel kelvio) panne*)");
  EXPECT_EQ(shape("a1 NEAR/2 b1 c1"), "(and (near/2 a1 b1) c1)");
  EXPECT_EQ(shape("a1 NEAR/100 b1"), "(near/100 a1 b1)");
}

TEST(query, fields) {
  EXPECT_EQ(shape("borel lang:FR"), "(and borel lang:fr)");
  // Mentions keep the two letters of their language ("pt-BR" is stored "pt"): so does the query.
  EXPECT_EQ(shape("borel lang:pt-BR"), "(and borel lang:pt)");
  EXPECT_EQ(shape("borel lang:fr_CA"), "(and borel lang:fr)");
  EXPECT_EQ(shape("borel source:News"), "(and borel source:news)");
  EXPECT_EQ(shape("borel site:LeMonde.fr"), "(and borel site:lemonde.fr)");
  EXPECT_EQ(shape("borel author:jdupont"), "(and borel author:jdupont)");
  EXPECT_EQ(shape("borel author:\"Jean Dupont\""), "(and borel author:Jean Dupont)");
  EXPECT_EQ(shape("title:borel"), "title:borel");
  EXPECT_EQ(shape("title:\"Mistrale Telecom\""), "title:\"mistrale telecom\"");
  EXPECT_EQ(shape("title:recycl*"), "title:recycl*");
  EXPECT_EQ(shape("Lang:fr borel"), "(and lang:fr borel)");
  auto q = parse_query("borel author:\"Jean Dupônt\"");
  ASSERT_TRUE(q.ok());
  const auto& author = q->nodes[q->nodes[q->root].children[1]];
  EXPECT_EQ(author.words, (std::vector<std::string>{"jean", "dupont"}));
}

TEST(query, errors_with_positions) {
  struct tc {
    std::string text;
    std::size_t position;
    std::size_t column;
    std::string message;
  };
  const tc cases[] = {
      {"", 0, 1, "empty query"},
      {"   ", 0, 1, "empty query"},
      {"(borel", 0, 1, "unbalanced '(': missing ')'"},
      {"borel)", 5, 6, "unbalanced ')': no '(' before it"},
      {"(a1 (b1) c1", 0, 1, "unbalanced '(': missing ')'"},
      {"()", 0, 1, "empty parentheses"},
      {"borel AND", 6, 7, "'AND' needs a term after it"},
      {"borel OR", 6, 7, "'OR' needs a term after it"},
      {"OR borel", 0, 1, "'OR' needs a term before it"},
      {"borel AND OR kelvio", 6, 7, "'AND' needs a term after it"},
      {"borel NOT", 6, 7, "'NOT' needs a term after it"},
      {"(borel OR) x1", 7, 8, "'OR' needs a term after it"},
      {"borel \"\"", 6, 7, "empty phrase"},
      {"borel \"!?\"", 6, 7, "empty phrase"},
      {"borel \"abc", 6, 7, "unterminated phrase: missing '\"'"},
      {"borel NEAR kelvio", 6, 7, "NEAR needs a distance: NEAR/n with n in [1, 100]"},
      {"borel NEAR/ kelvio", 6, 7, "NEAR needs a distance: NEAR/n with n in [1, 100]"},
      {"borel NEAR/0 kelvio", 11, 12, "NEAR distance must be between 1 and 100"},
      {"borel NEAR/101 kelvio", 11, 12, "NEAR distance must be between 1 and 100"},
      {"borel ONEAR/99999999999 kelvio", 12, 13, "ONEAR distance must be between 1 and 100"},
      {"borel NEAR/3", 6, 7, "'NEAR/3' needs a term after it"},
      {"NEAR/3 borel", 0, 1, "'NEAR/3' needs a term before it"},
      {"a1 NEAR/2 b1 NEAR/2 c1", 13, 14, "NEAR and ONEAR cannot be chained: combine them with AND"},
      {"a1 NEAR/2 lang:fr", 10, 11, "NEAR and ONEAR operands must be terms, phrases or a parenthesised OR of them"},
      {"(a1 b1) NEAR/2 c1", 1, 2, "NEAR and ONEAR operands must be terms, phrases or a parenthesised OR of them"},
      {"borel foo:bar", 6, 7, "unknown field 'foo' (fields: lang, source, author, site, title)"},
      {"borel lang:", 11, 12, "missing value after 'lang:'"},
      {"borel lang:français", 11, 12,
       "invalid language code 'français': expected a two-letter ISO 639-1 code, optionally with a region (fr, en, pt-br)"},
      {"borel lang:fra", 11, 12,
       "invalid language code 'fra': expected a two-letter ISO 639-1 code, optionally with a region (fr, en, pt-br)"},
      {"borel site:le_monde.fr", 11, 12, "invalid site 'le_monde.fr': expected a host name such as lemonde.fr"},
      {"a*", 1, 2, "wildcard prefix too short: at least 3 characters before '*'"},
      {"été ab*", 8, 7, "wildcard prefix too short: at least 3 characters before '*'"},
      {"*", 0, 1, "wildcard prefix too short: at least 3 characters before '*'"},
      {"#ab*", 3, 4, "wildcard prefix too short: at least 3 characters before '*'"},
      {"re*cycle", 2, 3, "'*' is only allowed at the end of a term"},
      {"borel -", 6, 7, "term '-' has no letters or digits"},
      {"borel\x01", 5, 6, "control character U+0001 is not allowed"},
      {"borel \x7f", 6, 7, "control character U+007F is not allowed"},
      {"bo\xffrel", 2, 3, "invalid UTF-8"},
      {"NOT rappel", 0, 1, "a query needs at least one positive term"},
      {"borel OR NOT rappel", 0, 1, "a query needs at least one positive term"},
      {"lang:fr", 0, 1, "a query needs at least one positive term"},
      {"borel OR lang:fr", 0, 1, "a query needs at least one positive term"},
      {"(NOT a1) (NOT b1)", 1, 2, "a query needs at least one positive term"},
  };
  for (const tc& c : cases) {
    const query_error e = error_of(c.text);
    EXPECT_EQ(e.message, c.message) << c.text;
    EXPECT_EQ(e.position, c.position) << c.text;
    EXPECT_EQ(e.column, c.column) << c.text;
  }
}

TEST(query, tab_and_newlines_are_spaces) {
  EXPECT_EQ(shape("borel\tOR\r\nkelvio"), "(or borel kelvio)");
}

TEST(query, limits) {
  // Size: 4096 bytes pass, 4097 do not.
  std::string big(max_query_bytes, 'x');
  big[0] = 'a';
  EXPECT_TRUE(parse_query(big).ok());
  big += 'x';
  query_error e = error_of(big);
  EXPECT_EQ(e.position, max_query_bytes);
  EXPECT_EQ(e.message, "query is longer than 4096 bytes");

  // Terms: 256 pass, the 257th is refused where it starts.
  std::string terms;
  for (std::size_t i = 0; i < max_query_terms; ++i) terms += "t" + std::to_string(i) + " ";
  auto ok = parse_query(terms);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->term_count, max_query_terms);
  const std::size_t at = terms.size();
  terms += "extra";
  e = error_of(terms);
  EXPECT_EQ(e.message, "more than 256 terms");
  EXPECT_EQ(e.position, at);

  // Depth: 32 levels pass, the 33rd parenthesis is refused.
  std::string deep = std::string(max_query_depth, '(') + "borel" + std::string(max_query_depth, ')');
  EXPECT_TRUE(parse_query(deep).ok());
  deep = std::string(max_query_depth + 1, '(') + "borel" + std::string(max_query_depth + 1, ')');
  e = error_of(deep);
  EXPECT_EQ(e.message, "nesting deeper than 32 levels");
  EXPECT_EQ(e.position, max_query_depth);
  std::string nots = "borel ";
  for (std::size_t i = 0; i < max_query_depth + 1; ++i) nots += "NOT ";
  nots += "x1";
  e = error_of(nots);
  EXPECT_EQ(e.message, "nesting deeper than 32 levels");
  EXPECT_EQ(e.position, 6 + 4 * max_query_depth);
}

TEST(query, json_of_tree_and_error) {
  auto q = parse_query("borel NEAR/3 \"sav nul\" lang:fr title:recycl*");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(to_json(*q),
            "{\"op\":\"and\",\"position\":0,\"children\":["
            "{\"op\":\"near\",\"position\":0,\"distance\":3,\"children\":["
            "{\"op\":\"term\",\"position\":0,\"value\":\"borel\",\"words\":[\"borel\"]},"
            "{\"op\":\"phrase\",\"position\":13,\"value\":\"sav nul\",\"words\":[\"sav\",\"nul\"]}]},"
            "{\"op\":\"field\",\"position\":23,\"field\":\"lang\",\"value\":\"fr\"},"
            "{\"op\":\"term\",\"position\":31,\"field\":\"title\",\"value\":\"recycl\",\"prefix\":true,"
            "\"words\":[\"recycl\"]}]}");
  query_error e;
  ASSERT_FALSE(parse_query("borel \"\"", &e).ok());
  EXPECT_EQ(to_json(e), "{\"position\":6,\"column\":7,\"message\":\"empty phrase\"}");
  ASSERT_FALSE(parse_query("\"x", &e).ok());
  EXPECT_EQ(to_json(e), "{\"position\":0,\"column\":1,\"message\":\"unterminated phrase: missing '\\\"'\"}");
}

}  // namespace
}  // namespace vigie::pipeline
