#include "pipeline/watch_matcher.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "pipeline/internal/match_words.h"
#include "pipeline/internal/tokenizer.h"

namespace vigie::pipeline {
namespace {

// Title words are numbered from 0, text words from the title's end plus this gap, so that no
// phrase or NEAR/ONEAR (at most max_near_distance) spans the title and the text.
constexpr std::uint32_t title_text_gap = static_cast<std::uint32_t>(max_near_distance) + 1;

constexpr std::uint32_t no_term = 0xFFFFFFFFu;

// Length of the key of the wildcard prefix index: min_wildcard_prefix folded characters are
// at least that many bytes.
constexpr std::size_t prefix_key_bytes = 3;
static_assert(min_wildcard_prefix >= prefix_key_bytes);

std::atomic<std::uint64_t> next_generation{1};

std::uint64_t hash_word(std::string_view w) noexcept { return internal::hash_match_word(w); }

// Bits of the filter in front of the word table: 32 KB, fits in L1 next to the text, so that
// the common case (a word no watch uses) touches no other memory.
constexpr unsigned word_filter_bits = 18;
std::uint64_t word_filter_index(std::uint64_t hash) noexcept { return hash >> (64 - word_filter_bits); }

std::uint32_t prefix_key(std::string_view w) noexcept {
  return static_cast<unsigned char>(w[0]) | (static_cast<unsigned char>(w[1]) << 8) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(w[2])) << 16);
}

std::uint32_t prefix_filter_bit(std::uint32_t key) noexcept { return (key * 0x9E3779B1u) >> 16; }

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

bool equal_icase(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k)
    if (lower(a[k]) != lower(b[k])) return false;
  return true;
}

// lang:pt matches "pt" and "pt-BR".
bool lang_matches(std::string_view lang, std::string_view want) noexcept {
  if (equal_icase(lang, want)) return true;
  return lang.size() > want.size() && lang[want.size()] == '-' &&
         equal_icase(lang.substr(0, want.size()), want);
}

// Host of a URL: "https://user@www.LeMonde.fr:443/x?y" -> "www.LeMonde.fr".
std::string_view url_host(std::string_view url) noexcept {
  const std::size_t scheme = url.find("://");
  if (scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  const std::size_t end = url.find_first_of("/?#");
  if (end != std::string_view::npos) url = url.substr(0, end);
  const std::size_t at = url.rfind('@');
  if (at != std::string_view::npos) url.remove_prefix(at + 1);
  if (!url.empty() && url.front() == '[') return url;  // IPv6 literal: compared whole
  const std::size_t colon = url.find(':');
  if (colon != std::string_view::npos) url = url.substr(0, colon);
  if (!url.empty() && url.back() == '.') url.remove_suffix(1);
  return url;
}

// site:lemonde.fr matches lemonde.fr and www.lemonde.fr, not notlemonde.fr.
bool site_matches(std::string_view host, std::string_view site) noexcept {
  if (host.size() < site.size()) return false;
  if (!equal_icase(host.substr(host.size() - site.size()), site)) return false;
  return host.size() == site.size() || host[host.size() - site.size() - 1] == '.';
}

std::string_view strip_at(std::string_view s) noexcept {
  if (!s.empty() && s.front() == '@') s.remove_prefix(1);
  return s;
}

enum class cop : std::uint8_t { leaf, all, any, none, near, onear, lang, source, author, site };

struct cnode {
  cop op = cop::leaf;
  std::uint8_t distance = 0;
  std::uint32_t arg = 0;  // leaf: index into leaves; fields: index into values
  std::uint32_t child_begin = 0;
  std::uint32_t child_count = 0;
};

struct term_info {
  std::uint32_t offset = 0;  // in arena
  std::uint32_t size = 0;
  bool prefix = false;
};

struct leaf_info {
  std::uint32_t first = 0;  // in leaf_terms
  std::uint32_t count = 0;
  bool title_only = false;
};

struct slot {
  std::uint64_t hash = 0;
  std::uint32_t term = no_term;
};

struct ref {
  std::uint32_t tenant;
  std::uint32_t watch;
  auto operator<=>(const ref&) const = default;
};

struct compiled_watch {
  std::uint32_t tenant = 0;
  std::string id;
  std::uint32_t root = 0;
  std::vector<std::string> languages;  // lower case
  std::vector<std::string> sources;
};

struct occurrence {
  std::uint32_t position;
  std::uint32_t span;  // words
};

struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

}  // namespace

struct watch_matcher::impl {
  std::uint64_t generation = 0;

  // Dictionary: exact words (hash table) and wildcard prefixes (index by first bytes).
  std::string arena;
  std::vector<term_info> terms;
  std::vector<slot> table;
  std::uint64_t table_mask = 0;
  std::vector<std::uint64_t> word_filter;  // one bit per word_filter_index()
  std::vector<std::uint64_t> prefix_filter;  // one bit per prefix_filter_bit()
  std::vector<std::uint32_t> prefix_keys;    // sorted
  std::vector<std::uint32_t> prefix_begin;   // prefix_keys.size() + 1, into prefix_terms
  std::vector<std::uint32_t> prefix_terms;

  // Watches, compiled.
  std::vector<leaf_info> leaves;
  std::vector<std::uint32_t> leaf_terms;
  std::vector<cnode> nodes;
  std::vector<std::uint32_t> children;
  std::vector<std::string> values;
  std::vector<compiled_watch> watches;
  std::unordered_map<std::string, std::uint32_t, string_hash, std::equal_to<>> tenants;

  // Candidate generation: the watches each term triggers, sorted by tenant.
  std::vector<std::uint32_t> ref_begin;  // terms.size() + 1
  std::vector<ref> refs;

  std::string_view term_text(std::uint32_t t) const noexcept {
    return std::string_view(arena).substr(terms[t].offset, terms[t].size);
  }

  std::uint32_t find_exact(std::string_view w, std::uint64_t h) const noexcept {
    const std::uint64_t bit = word_filter_index(h);
    if (!(word_filter[bit >> 6] & (std::uint64_t{1} << (bit & 63)))) return no_term;
    for (std::uint64_t i = h & table_mask;; i = (i + 1) & table_mask) {
      const slot& s = table[i];
      if (s.term == no_term) return no_term;
      if (s.hash == h && term_text(s.term) == w) return s.term;
    }
  }
};

struct match_scratch::impl {
  std::uint64_t generation = 0;
  std::uint32_t epoch = 0;
  internal::match_words words;
  internal::match_words author_words;
  std::vector<std::uint64_t> hits;  // term << 32 | position, sorted after the lookups
  std::vector<std::uint32_t> term_epoch, term_begin, term_end;
  std::vector<std::uint32_t> watch_epoch;
  std::vector<std::uint32_t> candidates;
  std::vector<occurrence> left, right;
  std::uint32_t title_end = 0;
  const mention_view* mention = nullptr;
  std::string author_name;  // folded words of the author name, joined by ' '
  std::string author_id;    // the author id folded
  bool author_ready = false;
};

match_scratch::match_scratch() : impl_(std::make_unique<impl>()) {
  impl_->hits.reserve(256);
  impl_->candidates.reserve(64);
}
match_scratch::~match_scratch() = default;

watch_matcher::watch_matcher() : impl_(std::make_unique<impl>()) {}
watch_matcher::~watch_matcher() = default;

std::size_t watch_matcher::watch_count() const noexcept { return impl_->watches.size(); }
std::size_t watch_matcher::term_count() const noexcept { return impl_->terms.size(); }

namespace {

class compiler {
 public:
  explicit compiler(watch_matcher::impl& m) : m_(m) {}

  std::uint32_t intern(std::string_view text, bool prefix) {
    key_.assign(text);
    key_.push_back(prefix ? '*' : '=');
    auto [it, inserted] = ids_.try_emplace(key_, static_cast<std::uint32_t>(m_.terms.size()));
    if (inserted) {
      m_.terms.push_back({static_cast<std::uint32_t>(m_.arena.size()), static_cast<std::uint32_t>(text.size()), prefix});
      m_.arena.append(text);
    }
    return it->second;
  }

  std::uint32_t compile(const query& q, std::uint32_t i, std::uint32_t tenant, std::uint32_t watch,
                        bool positive) {
    const query_node& n = q.nodes[i];
    cnode c;
    switch (n.op) {
      case query_op::term:
      case query_op::phrase: {
        leaf_info l;
        l.first = static_cast<std::uint32_t>(m_.leaf_terms.size());
        l.count = static_cast<std::uint32_t>(n.words.size());
        l.title_only = n.field == query_field::title;
        std::uint32_t trigger = no_term;
        std::size_t trigger_size = 0;
        for (std::size_t k = 0; k < n.words.size(); ++k) {
          const std::uint32_t t = intern(n.words[k], n.prefix && k + 1 == n.words.size());
          m_.leaf_terms.push_back(t);
          // The longest word is the likeliest to be rare: "banque de france" triggers on
          // "banque", not on every "de".
          if (n.words[k].size() > trigger_size) {
            trigger = t;
            trigger_size = n.words[k].size();
          }
        }
        if (positive && trigger != no_term) triggers_.push_back({trigger, {tenant, watch}});
        c.op = cop::leaf;
        c.arg = static_cast<std::uint32_t>(m_.leaves.size());
        m_.leaves.push_back(l);
        break;
      }
      case query_op::field:
        c.arg = static_cast<std::uint32_t>(m_.values.size());
        if (n.field == query_field::author) {
          c.op = cop::author;
          // Ids compare folded too ("Hélène" is "helene"), as the rest of a query does.
          std::string id;
          internal::append_folded(strip_at(n.value), id);
          m_.values.push_back(std::move(id));
          std::string joined;
          for (const auto& w : n.words) {
            if (!joined.empty()) joined += ' ';
            joined += w;
          }
          m_.values.push_back(std::move(joined));
        } else {
          c.op = n.field == query_field::lang ? cop::lang : n.field == query_field::source ? cop::source : cop::site;
          m_.values.push_back(n.value);
        }
        break;
      case query_op::all:
      case query_op::any:
      case query_op::none:
      case query_op::near:
      case query_op::onear: {
        c.op = n.op == query_op::all    ? cop::all
               : n.op == query_op::any  ? cop::any
               : n.op == query_op::none ? cop::none
               : n.op == query_op::near ? cop::near
                                        : cop::onear;
        c.distance = n.distance;
        std::vector<std::uint32_t> kids;
        kids.reserve(n.children.size());
        for (auto child : n.children)
          kids.push_back(compile(q, child, tenant, watch, positive && n.op != query_op::none));
        c.child_begin = static_cast<std::uint32_t>(m_.children.size());
        c.child_count = static_cast<std::uint32_t>(kids.size());
        m_.children.insert(m_.children.end(), kids.begin(), kids.end());
        break;
      }
    }
    m_.nodes.push_back(c);
    return static_cast<std::uint32_t>(m_.nodes.size() - 1);
  }

  void finish() {
    auto& m = m_;
    // Exact words: open addressing at load <= 1/2.
    std::size_t exact = 0;
    for (const auto& t : m.terms) exact += !t.prefix;
    std::size_t cap = 16;
    while (cap < 2 * exact) cap *= 2;
    m.table.assign(cap, slot{});
    m.table_mask = cap - 1;
    m.word_filter.assign((std::size_t{1} << word_filter_bits) / 64, 0);
    std::vector<std::pair<std::uint32_t, std::uint32_t>> prefixes;  // key, term
    for (std::uint32_t t = 0; t < m.terms.size(); ++t) {
      const std::string_view w = m.term_text(t);
      if (m.terms[t].prefix) {
        prefixes.emplace_back(prefix_key(w), t);
        continue;
      }
      const std::uint64_t h = hash_word(w);
      const std::uint64_t bit = word_filter_index(h);
      m.word_filter[bit >> 6] |= std::uint64_t{1} << (bit & 63);
      std::uint64_t i = h & m.table_mask;
      while (m.table[i].term != no_term) i = (i + 1) & m.table_mask;
      m.table[i] = {h, t};
    }
    std::sort(prefixes.begin(), prefixes.end());
    m.prefix_filter.assign((1u << 16) / 64, 0);
    for (const auto& [key, term] : prefixes) {
      if (m.prefix_keys.empty() || m.prefix_keys.back() != key) {
        m.prefix_keys.push_back(key);
        m.prefix_begin.push_back(static_cast<std::uint32_t>(m.prefix_terms.size()));
        const std::uint32_t bit = prefix_filter_bit(key);
        m.prefix_filter[bit >> 6] |= std::uint64_t{1} << (bit & 63);
      }
      m.prefix_terms.push_back(term);
    }
    m.prefix_begin.push_back(static_cast<std::uint32_t>(m.prefix_terms.size()));

    // Triggers, grouped by term then tenant (CSR).
    std::sort(triggers_.begin(), triggers_.end());
    triggers_.erase(std::unique(triggers_.begin(), triggers_.end()), triggers_.end());
    m.ref_begin.assign(m.terms.size() + 1, 0);
    for (const auto& [term, r] : triggers_) ++m.ref_begin[term + 1];
    for (std::size_t t = 0; t < m.terms.size(); ++t) m.ref_begin[t + 1] += m.ref_begin[t];
    m.refs.reserve(triggers_.size());
    for (const auto& tr : triggers_) m.refs.push_back(tr.second);
  }

 private:
  watch_matcher::impl& m_;
  std::unordered_map<std::string, std::uint32_t> ids_;
  std::string key_;
  std::vector<std::pair<std::uint32_t, ref>> triggers_;
};

// Evaluation of one watch against the hits of one mention.
class evaluator {
 public:
  evaluator(const watch_matcher::impl& m, match_scratch::impl& s) : m_(m), s_(s) {}

  bool eval(std::uint32_t i) {
    const cnode& c = m_.nodes[i];
    const std::uint32_t* kids = m_.children.data() + c.child_begin;
    switch (c.op) {
      case cop::leaf:
        return leaf_matches(m_.leaves[c.arg]);
      case cop::all:
        for (std::uint32_t k = 0; k < c.child_count; ++k)
          if (!eval(kids[k])) return false;
        return true;
      case cop::any:
        for (std::uint32_t k = 0; k < c.child_count; ++k)
          if (eval(kids[k])) return true;
        return false;
      case cop::none:
        return !eval(kids[0]);
      case cop::near:
      case cop::onear: {
        s_.left.clear();
        s_.right.clear();
        gather(kids[0], s_.left);
        if (s_.left.empty()) return false;
        gather(kids[1], s_.right);
        if (s_.right.empty()) return false;
        return ordered_within(s_.left, s_.right, c.distance) ||
               (c.op == cop::near && ordered_within(s_.right, s_.left, c.distance));
      }
      case cop::lang:
        return lang_matches(s_.mention->lang, m_.values[c.arg]);
      case cop::source:
        return equal_icase(s_.mention->source, m_.values[c.arg]);
      case cop::site:
        return site_matches(url_host(s_.mention->url), m_.values[c.arg]);
      case cop::author:
        return author_matches(m_.values[c.arg], m_.values[c.arg + 1]);
    }
    return false;
  }

 private:
  // Hits of term t, sorted by position (empty if none).
  std::pair<const std::uint64_t*, const std::uint64_t*> hits(std::uint32_t t) const {
    if (s_.term_epoch[t] != s_.epoch) return {nullptr, nullptr};
    return {s_.hits.data() + s_.term_begin[t], s_.hits.data() + s_.term_end[t]};
  }

  bool has_hit(std::uint32_t t, std::uint32_t position) const {
    auto [b, e] = hits(t);
    const std::uint64_t key = (std::uint64_t{t} << 32) | position;
    return b != e && std::binary_search(b, e, key);
  }

  // Calls fn(position) for each position where the leaf's words occur in sequence; stops
  // when fn returns true. Returns whether it was stopped.
  template <class Fn>
  bool for_each_occurrence(const leaf_info& l, Fn&& fn) const {
    const std::uint32_t* terms = m_.leaf_terms.data() + l.first;
    auto [b, e] = hits(terms[0]);
    for (; b != e; ++b) {
      const auto p = static_cast<std::uint32_t>(*b);
      if (l.title_only && p >= s_.title_end) break;
      bool all = true;
      for (std::uint32_t k = 1; k < l.count && all; ++k) all = has_hit(terms[k], p + k);
      if (all && fn(p)) return true;
    }
    return false;
  }

  bool leaf_matches(const leaf_info& l) const {
    return for_each_occurrence(l, [](std::uint32_t) { return true; });
  }

  void gather(std::uint32_t i, std::vector<occurrence>& out) const {
    const cnode& c = m_.nodes[i];
    if (c.op == cop::leaf) {
      const leaf_info& l = m_.leaves[c.arg];
      for_each_occurrence(l, [&](std::uint32_t p) {
        out.push_back({p, l.count});
        return false;
      });
      return;
    }
    // An OR of positional operands (the parser allows nothing else here).
    for (std::uint32_t k = 0; k < c.child_count; ++k) gather(m_.children[c.child_begin + k], out);
    if (c.child_count > 1)
      std::sort(out.begin(), out.end(), [](const occurrence& a, const occurrence& b) { return a.position < b.position; });
  }

  // Some a in a_list followed by some b in b_list starting at most `distance` words after a's
  // last word. b_list is sorted by position.
  static bool ordered_within(const std::vector<occurrence>& a_list, const std::vector<occurrence>& b_list,
                             std::uint32_t distance) {
    for (const occurrence& a : a_list) {
      const std::uint32_t last = a.position + a.span - 1;
      auto it = std::upper_bound(b_list.begin(), b_list.end(), last,
                                 [](std::uint32_t v, const occurrence& b) { return v < b.position; });
      if (it != b_list.end() && it->position - last <= distance) return true;
    }
    return false;
  }

  bool author_matches(std::string_view id, std::string_view name) {
    const mention_view& m = *s_.mention;
    // id is folded ("Hélène" is "helene"): so is the mention's author id, for the comparison.
    const std::string_view author_id = strip_at(m.author_id);
    if (!author_id.empty()) {
      s_.author_id.resize(author_id.size());  // folding never lengthens
      s_.author_id.resize(internal::fold_to(author_id, s_.author_id.data()));
      if (s_.author_id == id) return true;
    }
    if (name.empty() || m.author_name.empty()) return false;
    if (!s_.author_ready) {
      s_.author_ready = true;
      s_.author_words.clear();
      s_.author_words.add(m.author_name, 0, /*tag_parts=*/false);
      s_.author_name.clear();
      for (const auto& w : s_.author_words.words()) {
        if (!s_.author_name.empty()) s_.author_name += ' ';
        s_.author_name += s_.author_words.folded(w);
      }
    }
    return s_.author_name == name;
  }

  const watch_matcher::impl& m_;
  match_scratch::impl& s_;
};

}  // namespace

result<std::shared_ptr<const watch_matcher>> watch_matcher::build(std::span<const watch_definition> watches) {
  std::shared_ptr<watch_matcher> out(new watch_matcher());
  impl& m = *out->impl_;
  m.generation = next_generation.fetch_add(1);
  m.watches.reserve(watches.size());
  compiler c(m);
  std::unordered_set<std::string> seen;
  seen.reserve(watches.size());
  for (const watch_definition& d : watches) {
    if (d.q.nodes.empty() || d.q.root >= d.q.nodes.size())
      return invalid_argument("watch '" + d.id + "' of tenant '" + d.tenant + "' has no parsed query");
    if (!seen.insert(d.tenant + '\n' + d.id).second)
      return invalid_argument("duplicate watch '" + d.id + "' for tenant '" + d.tenant + "'");
    auto [it, inserted] = m.tenants.try_emplace(d.tenant, static_cast<std::uint32_t>(m.tenants.size()));
    const auto index = static_cast<std::uint32_t>(m.watches.size());
    compiled_watch w;
    w.tenant = it->second;
    w.id = d.id;
    for (const auto& l : d.languages) {
      w.languages.push_back(l);
      for (char& ch : w.languages.back()) ch = lower(ch);
    }
    for (const auto& s : d.sources) {
      w.sources.push_back(s);
      for (char& ch : w.sources.back()) ch = lower(ch);
    }
    w.root = c.compile(d.q, d.q.root, w.tenant, index, /*positive=*/true);
    m.watches.push_back(std::move(w));
  }
  c.finish();
  return std::shared_ptr<const watch_matcher>(std::move(out));
}

void watch_matcher::match(const mention_view& mention, std::string_view tenant, match_scratch& scratch,
                          std::vector<std::string_view>* watch_ids) const {
  watch_ids->clear();
  const impl& m = *impl_;
  const auto tenant_it = m.tenants.find(tenant);
  if (tenant_it == m.tenants.end()) return;
  const std::uint32_t tenant_index = tenant_it->second;
  match_scratch::impl& s = *scratch.impl_;

  if (s.generation != m.generation) {  // first use with this matcher: size the marks
    s.generation = m.generation;
    s.epoch = 0;
    s.term_epoch.assign(m.terms.size(), 0);
    s.term_begin.resize(m.terms.size());
    s.term_end.resize(m.terms.size());
    s.watch_epoch.assign(m.watches.size(), 0);
  }
  if (++s.epoch == 0) {  // wrapped: forget every old mark
    std::fill(s.term_epoch.begin(), s.term_epoch.end(), 0);
    std::fill(s.watch_epoch.begin(), s.watch_epoch.end(), 0);
    s.epoch = 1;
  }
  s.mention = &mention;
  s.author_ready = false;

  // 1. Words of the title then the text, each looked up once.
  s.words.clear();
  s.title_end = s.words.add(mention.title, 0, /*tag_parts=*/true);
  s.words.add(mention.text, s.title_end + title_text_gap, /*tag_parts=*/true);
  s.hits.clear();
  const bool any_prefix = !m.prefix_keys.empty();
  for (const internal::match_word& w : s.words.words()) {
    const std::string_view f = s.words.folded(w);
    const std::uint32_t t = m.find_exact(f, w.hash);
    if (t != no_term) s.hits.push_back((std::uint64_t{t} << 32) | w.position);
    if (any_prefix && f.size() >= prefix_key_bytes) {
      const std::uint32_t key = prefix_key(f);
      const std::uint32_t bit = prefix_filter_bit(key);
      if (m.prefix_filter[bit >> 6] & (std::uint64_t{1} << (bit & 63))) {
        auto it = std::lower_bound(m.prefix_keys.begin(), m.prefix_keys.end(), key);
        if (it != m.prefix_keys.end() && *it == key) {
          const std::size_t k = static_cast<std::size_t>(it - m.prefix_keys.begin());
          for (std::uint32_t j = m.prefix_begin[k]; j < m.prefix_begin[k + 1]; ++j) {
            const std::uint32_t pt = m.prefix_terms[j];
            if (f.starts_with(m.term_text(pt))) s.hits.push_back((std::uint64_t{pt} << 32) | w.position);
          }
        }
      }
    }
  }
  if (s.hits.empty()) return;

  // 2. Hits grouped by term, in position order; the tenant's watches they trigger.
  std::sort(s.hits.begin(), s.hits.end());
  s.candidates.clear();
  for (std::size_t b = 0; b < s.hits.size();) {
    const auto t = static_cast<std::uint32_t>(s.hits[b] >> 32);
    std::size_t e = b + 1;
    while (e < s.hits.size() && static_cast<std::uint32_t>(s.hits[e] >> 32) == t) ++e;
    s.term_epoch[t] = s.epoch;
    s.term_begin[t] = static_cast<std::uint32_t>(b);
    s.term_end[t] = static_cast<std::uint32_t>(e);
    const ref* rb = m.refs.data() + m.ref_begin[t];
    const ref* re = m.refs.data() + m.ref_begin[t + 1];
    for (const ref* r = std::lower_bound(rb, re, ref{tenant_index, 0}); r != re && r->tenant == tenant_index; ++r) {
      if (s.watch_epoch[r->watch] != s.epoch) {
        s.watch_epoch[r->watch] = s.epoch;
        s.candidates.push_back(r->watch);
      }
    }
    b = e;
  }
  if (s.candidates.empty()) return;

  // 3. The candidates' filters and trees.
  std::sort(s.candidates.begin(), s.candidates.end());
  evaluator ev(m, s);
  for (const std::uint32_t wi : s.candidates) {
    const compiled_watch& w = m.watches[wi];
    if (!w.languages.empty() &&
        std::none_of(w.languages.begin(), w.languages.end(),
                     [&](const std::string& l) { return lang_matches(mention.lang, l); }))
      continue;
    if (!w.sources.empty() &&
        std::none_of(w.sources.begin(), w.sources.end(),
                     [&](const std::string& src) { return equal_icase(mention.source, src); }))
      continue;
    if (ev.eval(w.root)) watch_ids->push_back(w.id);
  }
}

}  // namespace vigie::pipeline
