#include "pipeline/query.h"

#include <charconv>

#include "pipeline/internal/match_words.h"
#include "pipeline/mention_parser.h"

namespace vigie::pipeline {
namespace {

constexpr std::int32_t no_node = -1;

enum class tok : std::uint8_t { end, lparen, rparen, and_, or_, not_, near, onear, word, phrase };

struct token {
  tok kind = tok::end;
  std::uint32_t begin = 0;  // byte range in the query; a phrase includes its quotes
  std::uint32_t end = 0;
  std::uint8_t distance = 0;
};

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool is_ascii_letter(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return out;
}

// Length of the valid UTF-8 sequence at i, or 0.
std::size_t utf8_length(std::string_view s, std::size_t i) noexcept {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  auto cont = [&](std::size_t k) { return k < s.size() && (b(k) & 0xC0) == 0x80; };
  const unsigned c = b(i);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c < 0xE0) return cont(i + 1) ? 2 : 0;
  if (c >= 0xE0 && c < 0xF0) {
    if (!cont(i + 1) || !cont(i + 2)) return 0;
    if (c == 0xE0 && b(i + 1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(i + 1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c < 0xF5) {
    if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
    if (c == 0xF0 && b(i + 1) < 0x90) return 0;
    if (c == 0xF4 && b(i + 1) >= 0x90) return 0;
    return 4;
  }
  return 0;
}

class parser {
 public:
  explicit parser(query& q) : q_(q), text_(q.text) {}

  bool run() {
    if (text_.size() > max_query_bytes)
      return fail(max_query_bytes, "query is longer than " + std::to_string(max_query_bytes) + " bytes");
    if (!check_bytes() || !lex()) return false;
    if (tokens_.size() == 1) return fail(0, "empty query");
    const std::int32_t root = parse_or();
    if (root == no_node) return false;
    const token& t = peek();
    if (t.kind == tok::rparen) return fail(t.begin, "unbalanced ')': no '(' before it");
    if (t.kind != tok::end) return fail(t.begin, "unexpected '" + std::string(spelling(t)) + "'");
    q_.root = static_cast<std::uint32_t>(root);
    q_.term_count = terms_;
    if (!needs_positive(q_.root))
      return fail(q_.nodes[q_.root].position, "a query needs at least one positive term");
    return true;
  }

  query_error error;

 private:
  bool fail(std::size_t position, std::string message) {
    if (failed_) return false;  // keep the first error
    failed_ = true;
    error.position = position;
    error.column = 1 + internal::count_code_points(text_.substr(0, position));
    error.message = std::move(message);
    return false;
  }

  // Refuses invalid UTF-8 and control characters other than tab, CR and LF.
  bool check_bytes() {
    for (std::size_t i = 0; i < text_.size();) {
      const auto c = static_cast<unsigned char>(text_[i]);
      if ((c < 0x20 && !is_space(static_cast<char>(c))) || c == 0x7F) {
        static constexpr char hex[] = "0123456789ABCDEF";
        std::string m = "control character U+00";
        m += hex[c >> 4];
        m += hex[c & 15];
        return fail(i, m + " is not allowed");
      }
      const std::size_t n = utf8_length(text_, i);
      if (n == 0) return fail(i, "invalid UTF-8");
      i += n;
    }
    return true;
  }

  std::string_view spelling(const token& t) const { return text_.substr(t.begin, t.end - t.begin); }

  bool lex() {
    std::size_t i = 0;
    const std::size_t n = text_.size();
    while (true) {
      while (i < n && is_space(text_[i])) ++i;
      token t;
      t.begin = t.end = static_cast<std::uint32_t>(i);
      if (i == n) {
        tokens_.push_back(t);
        return true;
      }
      const char c = text_[i];
      if (c == '(' || c == ')') {
        t.kind = c == '(' ? tok::lparen : tok::rparen;
        t.end = static_cast<std::uint32_t>(++i);
      } else if (c == '"') {
        const std::size_t close = text_.find('"', i + 1);
        if (close == std::string_view::npos) return fail(i, "unterminated phrase: missing '\"'");
        t.kind = tok::phrase;
        i = close + 1;
        t.end = static_cast<std::uint32_t>(i);
      } else {
        while (i < n && !is_space(text_[i]) && text_[i] != '(' && text_[i] != ')' && text_[i] != '"') ++i;
        t.end = static_cast<std::uint32_t>(i);
        const std::string_view w = spelling(t);
        t.kind = tok::word;
        if (w == "AND") t.kind = tok::and_;
        else if (w == "OR") t.kind = tok::or_;
        else if (w == "NOT") t.kind = tok::not_;
        else if (w == "NEAR" || w.starts_with("NEAR/") || w == "ONEAR" || w.starts_with("ONEAR/")) {
          const bool ordered = w[0] == 'O';
          t.kind = ordered ? tok::onear : tok::near;
          const std::size_t slash = w.find('/');
          const std::string_view digits = slash == std::string_view::npos ? std::string_view() : w.substr(slash + 1);
          bool all_digits = !digits.empty();
          for (char d : digits) all_digits = all_digits && d >= '0' && d <= '9';
          const std::string name = ordered ? "ONEAR" : "NEAR";
          if (!all_digits)
            return fail(t.begin, name + " needs a distance: " + name + "/n with n in [1, " +
                                     std::to_string(max_near_distance) + "]");
          unsigned value = 0;
          const bool big = digits.size() > 3;
          if (!big) std::from_chars(digits.data(), digits.data() + digits.size(), value);
          if (big || value < 1 || value > max_near_distance)
            return fail(t.begin + slash + 1, name + " distance must be between 1 and " +
                                                 std::to_string(max_near_distance));
          t.distance = static_cast<std::uint8_t>(value);
        }
      }
      tokens_.push_back(t);
    }
  }

  const token& peek() const { return tokens_[next_]; }
  const token& take() { return tokens_[next_ < tokens_.size() - 1 ? next_++ : next_]; }

  static bool starts_operand(tok k) noexcept {
    return k == tok::word || k == tok::phrase || k == tok::lparen || k == tok::not_;
  }

  std::int32_t add_node(query_node node) {
    q_.nodes.push_back(std::move(node));
    return static_cast<std::int32_t>(q_.nodes.size() - 1);
  }

  std::int32_t group(query_op op, std::vector<std::uint32_t> children) {
    if (children.size() == 1) return static_cast<std::int32_t>(children[0]);
    query_node n;
    n.op = op;
    n.position = q_.nodes[children[0]].position;
    n.children = std::move(children);
    return add_node(std::move(n));
  }

  std::int32_t dangling(const token& op) {
    fail(op.begin, "'" + std::string(spelling(op)) + "' needs a term after it");
    return no_node;
  }

  // or := and ("OR" and)*
  std::int32_t parse_or() {
    std::vector<std::uint32_t> children;
    std::int32_t c = parse_and();
    if (c == no_node) return no_node;
    children.push_back(static_cast<std::uint32_t>(c));
    while (peek().kind == tok::or_) {
      const token& op = take();
      if (!starts_operand(peek().kind)) return dangling(op);
      if ((c = parse_and()) == no_node) return no_node;
      children.push_back(static_cast<std::uint32_t>(c));
    }
    return group(query_op::any, std::move(children));
  }

  // and := not (["AND"] not)*   -- "a NOT b" is the implicit AND of a and (NOT b)
  std::int32_t parse_and() {
    std::vector<std::uint32_t> children;
    std::int32_t c = parse_not();
    if (c == no_node) return no_node;
    children.push_back(static_cast<std::uint32_t>(c));
    while (true) {
      const token& t = peek();
      if (t.kind == tok::and_) {
        const token& op = take();
        if (!starts_operand(peek().kind)) return dangling(op);
      } else if (!starts_operand(t.kind)) {
        break;
      }
      if ((c = parse_not()) == no_node) return no_node;
      children.push_back(static_cast<std::uint32_t>(c));
    }
    return group(query_op::all, std::move(children));
  }

  // not := "NOT" not | near
  std::int32_t parse_not() {
    if (peek().kind != tok::not_) return parse_near();
    const token& op = take();
    if (!enter(op)) return no_node;
    if (!starts_operand(peek().kind)) return dangling(op);
    const std::int32_t c = parse_not();
    if (c == no_node) return no_node;
    --depth_;
    query_node n;
    n.op = query_op::none;
    n.position = op.begin;
    n.children = {static_cast<std::uint32_t>(c)};
    return add_node(std::move(n));
  }

  // A NEAR operand: a term or phrase (not title:), or an OR of those.
  bool positional(std::uint32_t i) const {
    const query_node& n = q_.nodes[i];
    if (n.op == query_op::term || n.op == query_op::phrase) return n.field == query_field::none;
    if (n.op != query_op::any) return false;
    for (auto c : n.children)
      if (!positional(c)) return false;
    return true;
  }

  // near := primary (("NEAR/n" | "ONEAR/n") primary)*
  std::int32_t parse_near() {
    std::int32_t left = parse_primary();
    if (left == no_node) return no_node;
    while (peek().kind == tok::near || peek().kind == tok::onear) {
      const token& op = take();
      const query_op kind = op.kind == tok::near ? query_op::near : query_op::onear;
      const query_op left_op = q_.nodes[left].op;
      if (left_op == query_op::near || left_op == query_op::onear) {
        fail(op.begin, "NEAR and ONEAR cannot be chained: combine them with AND");
        return no_node;
      }
      const token& next = peek();
      if (next.kind != tok::word && next.kind != tok::phrase && next.kind != tok::lparen) return dangling(op);
      const std::int32_t right = parse_primary();
      if (right == no_node) return no_node;
      for (std::int32_t side : {left, right}) {
        if (!positional(static_cast<std::uint32_t>(side))) {
          fail(q_.nodes[side].position,
               "NEAR and ONEAR operands must be terms, phrases or a parenthesised OR of them");
          return no_node;
        }
      }
      query_node n;
      n.op = kind;
      n.distance = op.distance;
      n.position = q_.nodes[left].position;
      n.children = {static_cast<std::uint32_t>(left), static_cast<std::uint32_t>(right)};
      left = add_node(std::move(n));
    }
    return left;
  }

  bool enter(const token& t) {
    if (++depth_ > max_query_depth)
      return fail(t.begin, "nesting deeper than " + std::to_string(max_query_depth) + " levels");
    return true;
  }

  // primary := "(" or ")" | word | phrase
  std::int32_t parse_primary() {
    const token& t = take();
    switch (t.kind) {
      case tok::lparen: {
        if (!enter(t)) return no_node;
        if (peek().kind == tok::rparen) {
          fail(t.begin, "empty parentheses");
          return no_node;
        }
        const std::int32_t inner = parse_or();
        if (inner == no_node) return no_node;
        if (peek().kind != tok::rparen) {
          fail(t.begin, "unbalanced '(': missing ')'");
          return no_node;
        }
        take();
        --depth_;
        return inner;
      }
      case tok::rparen:
        fail(t.begin, "unbalanced ')': no '(' before it");
        return no_node;
      case tok::and_:
      case tok::or_:
      case tok::near:
      case tok::onear:
        fail(t.begin, "'" + std::string(spelling(t)) + "' needs a term before it");
        return no_node;
      case tok::end:
      case tok::not_:  // not reached: parse_not takes NOT
        fail(t.begin, "expected a term");
        return no_node;
      case tok::phrase:
        return make_text(t.begin + 1, t.end - 1, query_field::none, /*phrase=*/true, t.begin);
      case tok::word:
        return parse_word(t);
    }
    return no_node;
  }

  std::int32_t parse_word(const token& t) {
    const std::string_view w = spelling(t);
    const std::size_t colon = w.find(':');
    bool field_name = colon != std::string_view::npos && colon > 0;
    for (std::size_t k = 0; field_name && k < colon; ++k) field_name = is_ascii_letter(w[k]);
    if (!field_name) return make_text(t.begin, t.end, query_field::none, false, t.begin);

    const std::string name = lower_ascii(w.substr(0, colon));
    query_field f;
    if (name == "lang") f = query_field::lang;
    else if (name == "source") f = query_field::source;
    else if (name == "author") f = query_field::author;
    else if (name == "site") f = query_field::site;
    else if (name == "title") f = query_field::title;
    else {
      fail(t.begin, "unknown field '" + std::string(w.substr(0, colon)) +
                        "' (fields: lang, source, author, site, title)");
      return no_node;
    }
    std::uint32_t vb = t.begin + static_cast<std::uint32_t>(colon) + 1, ve = t.end;
    bool quoted = false;
    if (vb == ve) {
      if (peek().kind != tok::phrase || peek().begin != t.end) {
        fail(t.end, "missing value after '" + name + ":'");
        return no_node;
      }
      const token& p = take();
      vb = p.begin + 1;
      ve = p.end - 1;
      quoted = true;
    }
    if (f == query_field::title) return make_text(vb, ve, f, quoted, t.begin);
    if (!count_term(t.begin)) return no_node;

    query_node n;
    n.op = query_op::field;
    n.field = f;
    n.position = t.begin;
    const std::string_view value = text_.substr(vb, ve - vb);
    if (value.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      fail(vb, "missing value after '" + name + ":'");
      return no_node;
    }
    if (f == query_field::lang) {
      // ISO 639-1, optionally with a region ("pt-br", "fr_CA"), kept as its two letters: as
      // mentions keep their language ("pt-BR" is stored "pt"), and as the lang= filter reads it.
      char code[2];
      bool ok = iso639_letters(value, code);
      for (std::size_t j = 3; ok && j < value.size(); ++j)
        ok = is_ascii_letter(value[j]) || (value[j] >= '0' && value[j] <= '9');
      if (!ok) {
        fail(vb, "invalid language code '" + std::string(value) +
                     "': expected a two-letter ISO 639-1 code, optionally with a region (fr, en, pt-br)");
        return no_node;
      }
      n.value = std::string(code, 2);
    } else if (f == query_field::site) {
      n.value = lower_ascii(value);
      bool ok = n.value.front() != '.' && n.value.back() != '.' && n.value.find("..") == std::string::npos;
      for (char c : n.value)
        ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                    static_cast<unsigned char>(c) >= 0x80);
      if (!ok) {
        fail(vb, "invalid site '" + std::string(value) + "': expected a host name such as lemonde.fr");
        return no_node;
      }
    } else if (f == query_field::source) {
      n.value = lower_ascii(value);
    } else {  // author: an id (compared as is, ignoring ASCII case) or a name (folded words)
      n.value = std::string(value);
      words_.clear();
      words_.add(value, 0, /*tag_parts=*/false);
      for (const auto& mw : words_.words()) n.words.emplace_back(words_.folded(mw));
    }
    (void)quoted;
    return add_node(std::move(n));
  }

  bool count_term(std::uint32_t position) {
    if (++terms_ > max_query_terms)
      return fail(position, "more than " + std::to_string(max_query_terms) + " terms");
    return true;
  }

  // A term, wildcard or phrase whose text is [b, e); node_position is where its token starts.
  std::int32_t make_text(std::uint32_t b, std::uint32_t e, query_field f, bool phrase,
                         std::uint32_t node_position) {
    if (!count_term(node_position)) return no_node;
    std::string_view raw = text_.substr(b, e - b);
    bool prefix = false;
    if (!phrase) {
      const std::size_t star = raw.find('*');
      if (star != std::string_view::npos) {
        if (star + 1 != raw.size()) {
          fail(b + star, "'*' is only allowed at the end of a term");
          return no_node;
        }
        prefix = true;
        raw.remove_suffix(1);
      }
    }
    words_.clear();
    words_.add(raw, 0, /*tag_parts=*/false);
    const auto ws = words_.words();
    if (prefix) {
      const bool glued = !ws.empty() && ws.back().raw_end == raw.size();
      std::size_t chars = 0;
      if (glued) {
        const auto& last = ws.back();
        // Characters of the folded prefix: what the matcher compares ("ß" counts as "ss").
        chars = internal::count_code_points(words_.folded(last));
        if (last.flags & internal::match_word_tag) --chars;  // the '#' or '@'
      }
      if (chars < min_wildcard_prefix) {
        fail(b + raw.size(), "wildcard prefix too short: at least " + std::to_string(min_wildcard_prefix) +
                                 " characters before '*'");
        return no_node;
      }
    }
    if (ws.empty()) {
      if (phrase) fail(b - 1, "empty phrase");
      else fail(b, "term '" + std::string(raw) + "' has no letters or digits");
      return no_node;
    }
    query_node n;
    n.op = phrase ? query_op::phrase : query_op::term;
    n.field = f;
    n.prefix = prefix;
    n.position = node_position;
    n.value = std::string(raw);
    for (const auto& mw : ws) n.words.emplace_back(words_.folded(mw));
    return add_node(std::move(n));
  }

  // Whether every mention the node matches contains one of its positive terms: the matcher
  // only evaluates watches one of whose terms occurs in the mention.
  bool needs_positive(std::uint32_t i) const {
    const query_node& n = q_.nodes[i];
    switch (n.op) {
      case query_op::term:
      case query_op::phrase:
      case query_op::near:
      case query_op::onear:
        return true;
      case query_op::field:
      case query_op::none:
        return false;
      case query_op::all:
        for (auto c : n.children)
          if (needs_positive(c)) return true;
        return false;
      case query_op::any:
        for (auto c : n.children)
          if (!needs_positive(c)) return false;
        return true;
    }
    return false;
  }

  query& q_;
  std::string_view text_;
  std::vector<token> tokens_;
  std::size_t next_ = 0;
  std::size_t depth_ = 0;
  std::size_t terms_ = 0;
  bool failed_ = false;
  internal::match_words words_;
};

void append_json_string(std::string_view s, std::string& out) {
  out += '"';
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      static constexpr char hex[] = "0123456789abcdef";
      out += "\\u00";
      out += hex[u >> 4];
      out += hex[u & 15];
    } else {
      out += c;
    }
  }
  out += '"';
}

void append_node_json(const query& q, std::uint32_t i, std::string& out) {
  const query_node& n = q.nodes[i];
  out += "{\"op\":";
  append_json_string(to_string(n.op), out);
  out += ",\"position\":";
  out += std::to_string(n.position);
  if (n.field != query_field::none) {
    out += ",\"field\":";
    append_json_string(to_string(n.field), out);
  }
  if (n.op == query_op::near || n.op == query_op::onear) {
    out += ",\"distance\":";
    out += std::to_string(n.distance);
  }
  if (n.op == query_op::term || n.op == query_op::phrase || n.op == query_op::field) {
    out += ",\"value\":";
    append_json_string(n.value, out);
  }
  if (n.prefix) out += ",\"prefix\":true";
  if (!n.words.empty()) {
    out += ",\"words\":[";
    for (std::size_t k = 0; k < n.words.size(); ++k) {
      if (k) out += ',';
      append_json_string(n.words[k], out);
    }
    out += ']';
  }
  if (!n.children.empty()) {
    out += ",\"children\":[";
    for (std::size_t k = 0; k < n.children.size(); ++k) {
      if (k) out += ',';
      append_node_json(q, n.children[k], out);
    }
    out += ']';
  }
  out += '}';
}

}  // namespace

std::string_view to_string(query_op op) noexcept {
  switch (op) {
    case query_op::term: return "term";
    case query_op::phrase: return "phrase";
    case query_op::all: return "and";
    case query_op::any: return "or";
    case query_op::none: return "not";
    case query_op::near: return "near";
    case query_op::onear: return "onear";
    case query_op::field: return "field";
  }
  return "term";
}

std::string_view to_string(query_field field) noexcept {
  switch (field) {
    case query_field::none: return "";
    case query_field::lang: return "lang";
    case query_field::source: return "source";
    case query_field::author: return "author";
    case query_field::site: return "site";
    case query_field::title: return "title";
  }
  return "";
}

result<query> parse_query(std::string_view text, query_error* error) {
  query q;
  q.text = std::string(text.substr(0, max_query_bytes + 1));
  parser p(q);
  if (!p.run()) {
    std::string message = "column " + std::to_string(p.error.column) + ": " + p.error.message;
    if (error != nullptr) *error = std::move(p.error);
    return invalid_argument(std::move(message));
  }
  q.text = std::string(text);
  return q;
}

std::string to_json(const query& q) {
  std::string out;
  if (q.nodes.empty()) return "null";
  append_node_json(q, q.root, out);
  return out;
}

std::string to_json(const query_error& e) {
  std::string out = "{\"position\":" + std::to_string(e.position) + ",\"column\":" +
                    std::to_string(e.column) + ",\"message\":";
  append_json_string(e.message, out);
  out += '}';
  return out;
}

}  // namespace vigie::pipeline
