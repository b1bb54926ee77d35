#include "pipeline/watch_matcher.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "pipeline/internal/match_words.h"

namespace vigie::pipeline {
namespace {

watch_definition def(std::string tenant, std::string id, std::string_view text,
                     std::vector<std::string> languages = {}, std::vector<std::string> sources = {}) {
  auto q = parse_query(text);
  EXPECT_TRUE(q.ok()) << text << ": " << q.status().message();
  return {std::move(tenant), std::move(id), q.ok() ? std::move(q).value() : query{}, std::move(languages),
          std::move(sources)};
}

// Whether a single watch with this query matches the mention text (tenant "t").
class one_watch {
 public:
  explicit one_watch(std::string_view text) {
    std::vector<watch_definition> defs{def("t", "w", text)};
    auto built = watch_matcher::build(defs);
    EXPECT_TRUE(built.ok()) << built.status().message();
    matcher_ = *built;
  }
  bool operator()(std::string_view text, std::string_view title = {}) {
    mention_view m;
    m.text = text;
    m.title = title;
    return (*this)(m);
  }
  bool operator()(const mention_view& m) {
    matcher_->match(m, "t", scratch_, &ids_);
    return !ids_.empty();
  }

 private:
  std::shared_ptr<const watch_matcher> matcher_;
  match_scratch scratch_;
  std::vector<std::string_view> ids_;
};

TEST(match_words, folds_splits_and_numbers_words) {
  internal::match_words w;
  w.add("L'Oréal, CAFÉ cafe\xcc\x81 #BoycottBorel @Borel_FR x@y.fr", 0, true);
  std::vector<std::string> got;
  for (const auto& mw : w.words()) got.push_back(std::string(w.folded(mw)) + "@" + std::to_string(mw.position));
  EXPECT_EQ(got, (std::vector<std::string>{"l@0", "oreal@1", "cafe@2", "cafe@3", "#boycottborel@4",
                                           "boycott@4", "borel@5", "boycottborel@4", "boycottborel@5", "@borel_fr@6",
                                           "borel@6", "fr@7", "x@8", "y@9", "fr@10"}));
}

TEST(watch_matcher, terms_case_accents_and_word_boundaries) {
  one_watch w("cafe");
  EXPECT_TRUE(w("Un Café s'il vous plaît"));
  EXPECT_TRUE(w("CAFÉ!"));
  EXPECT_TRUE(w("cafe\xcc\x81 (decomposed)"));
  EXPECT_FALSE(w("cafeteria"));
  one_watch orange("Orange");
  EXPECT_TRUE(orange("J'aime l'orange."));
  EXPECT_FALSE(orange("Une orangeade"));
  one_watch prefix("orange*");
  EXPECT_TRUE(prefix("Une orangeade"));
  EXPECT_TRUE(prefix("ORANGE"));
  EXPECT_FALSE(prefix("oranje"));
  one_watch accented("Été");
  EXPECT_TRUE(accented("un ete chaud"));
}

TEST(watch_matcher, phrases) {
  one_watch w("\"mistrale telecom\"");
  EXPECT_TRUE(w("Chez Mistrale Télécom, rien ne va"));
  EXPECT_TRUE(w("mistrale-telecom"));
  EXPECT_FALSE(w("Mistrale, mais pas telecom"));
  EXPECT_FALSE(w("telecom mistrale"));
  one_watch hyphen("wi-fi");
  EXPECT_TRUE(hyphen("le WiFi ? non, le wi fi"));
  EXPECT_FALSE(hyphen("wifi"));
  one_watch wild("\"service client\" OR sav ONEAR/1 recycl*");
  EXPECT_TRUE(wild("le SAV recyclé"));
}

TEST(watch_matcher, boolean_operators) {
  one_watch and_("borel arnaque");
  EXPECT_TRUE(and_("Arnaque chez Borel"));
  EXPECT_FALSE(and_("Borel est super"));
  one_watch or_("borel OR kelvio");
  EXPECT_TRUE(or_("kelvio"));
  EXPECT_TRUE(or_("borel"));
  EXPECT_FALSE(or_("veloria"));
  one_watch not_("borel NOT rappel");
  EXPECT_TRUE(not_("borel"));
  EXPECT_FALSE(not_("borel: rappel produit"));
  one_watch unary("borel (NOT rappel OR urgent)");
  EXPECT_TRUE(unary("borel"));
  EXPECT_TRUE(unary("borel rappel urgent"));
  EXPECT_FALSE(unary("borel rappel"));
  one_watch lower("borel and kelvio");  // "and" is a term
  EXPECT_FALSE(lower("borel kelvio"));
  EXPECT_TRUE(lower("borel and kelvio"));
}

TEST(watch_matcher, near_and_onear_distances) {
  one_watch near("borel NEAR/2 arnaque");
  EXPECT_TRUE(near("borel arnaque"));
  EXPECT_TRUE(near("borel une arnaque"));         // 2 words apart
  EXPECT_FALSE(near("borel est une arnaque"));    // 3
  EXPECT_TRUE(near("arnaque chez borel"));        // any order
  EXPECT_FALSE(near("arnaque, oui, chez borel"));
  EXPECT_FALSE(near("borel"));
  one_watch onear("borel ONEAR/2 arnaque");
  EXPECT_TRUE(onear("borel une arnaque"));
  EXPECT_FALSE(onear("arnaque chez borel"));
  EXPECT_TRUE(onear("arnaque chez borel, quelle arnaque"));
  one_watch one("borel NEAR/1 arnaque");
  EXPECT_TRUE(one("arnaque borel"));
  EXPECT_FALSE(one("arnaque x borel"));
  one_watch phrase("\"service client\" NEAR/3 (nul OR honte)");
  EXPECT_TRUE(phrase("service client vraiment nul"));   // nul is 2 words after "client"
  EXPECT_TRUE(phrase("honte au service client"));
  EXPECT_FALSE(phrase("service, vraiment nul, client"));
  one_watch wild("borel NEAR/3 arnaq*");
  EXPECT_TRUE(wild("ARNAQUEURS de Borel"));
  // The title and the text are never near each other.
  one_watch split("borel NEAR/100 arnaque");
  EXPECT_FALSE(split("arnaque", "borel"));
  EXPECT_TRUE(split("borel arnaque", "titre"));
}

TEST(watch_matcher, hashtags_and_handles) {
  one_watch tag("#boycottborel");
  EXPECT_TRUE(tag("#BoycottBorel !"));
  EXPECT_FALSE(tag("boycott borel"));
  EXPECT_FALSE(tag("boycottborel"));
  one_watch plain("borel");
  EXPECT_TRUE(plain("#Borel"));
  EXPECT_TRUE(plain("#BoycottBorel"));
  EXPECT_TRUE(plain("@borel_officiel merci"));
  EXPECT_FALSE(plain("contact@boreltech.fr"));
  one_watch phrase("\"boycott borel\"");
  EXPECT_TRUE(phrase("#BoycottBorel"));
  // A tag that is exactly the term, whatever its case: split alone, #iPhone held "i" and
  // "phone", and a watch on iphone missed it.
  one_watch whole("iphone");
  for (const char* text : {"#iPhone", "#iphone", "#IPHONE", "iPhone"})
    EXPECT_TRUE(whole(text)) << text;
  EXPECT_TRUE(one_watch("covid19")("#Covid19"));
  EXPECT_TRUE(one_watch("boycottborel")("#BoycottBorel"));
  EXPECT_TRUE(one_watch("mcdo")("#McDo"));
  EXPECT_TRUE(one_watch("iphone*")("#iPhone15 dispo"));
  // Beside the words around it, in phrases and NEAR, as the same tag in capitals is.
  for (const char* q : {"\"iphone case\"", "iphone NEAR/1 case", "iphone ONEAR/1 case", "\"my iphone\""}) {
    one_watch around(q);
    EXPECT_TRUE(around("Love my #iPhone case")) << q;
    EXPECT_TRUE(around("Love my #IPHONE case")) << q;
  }
  one_watch handle("@borel_officiel");
  EXPECT_TRUE(handle("merci @Borel_Officiel"));
  EXPECT_FALSE(handle("merci borel officiel"));
  one_watch tag_prefix("#boycott*");
  EXPECT_TRUE(tag_prefix("#BoycottKelvio"));
  EXPECT_FALSE(tag_prefix("boycott"));
}

TEST(watch_matcher, fields) {
  mention_view m;
  m.text = "Borel en une";
  m.lang = "fr";
  m.source = "news";
  m.url = "https://www.LeMonde.fr/economie/article.html";
  m.author_id = "jdupont";
  m.author_name = "Jean Dupônt";
  m.title = "Grève chez Mistrale";
  EXPECT_TRUE(one_watch("borel lang:fr")(m));
  EXPECT_FALSE(one_watch("borel lang:en")(m));
  EXPECT_TRUE(one_watch("borel source:NEWS")(m));
  EXPECT_FALSE(one_watch("borel source:twitter")(m));
  EXPECT_TRUE(one_watch("borel site:lemonde.fr")(m));
  EXPECT_TRUE(one_watch("borel site:www.lemonde.fr")(m));
  EXPECT_FALSE(one_watch("borel site:monde.fr")(m));
  EXPECT_FALSE(one_watch("borel site:lemonde.com")(m));
  EXPECT_TRUE(one_watch("borel author:JDupont")(m));
  EXPECT_TRUE(one_watch("borel author:@jdupont")(m));
  EXPECT_TRUE(one_watch("borel author:\"jean dupont\"")(m));
  EXPECT_FALSE(one_watch("borel author:jean")(m));
  // Ids ignore accents as well as case, whichever side has them.
  m.author_id = "Hélène";
  EXPECT_TRUE(one_watch("borel author:helene")(m));
  EXPECT_TRUE(one_watch("borel author:HÉLÈNE")(m));
  m.author_id = "HELENE";
  EXPECT_TRUE(one_watch("borel author:hélène")(m));
  EXPECT_FALSE(one_watch("borel author:helen")(m));
  m.author_id = "jdupont";
  EXPECT_TRUE(one_watch("title:greve")(m));
  EXPECT_TRUE(one_watch("title:\"chez mistrale\"")(m));
  EXPECT_TRUE(one_watch("title:mistr*")(m));
  EXPECT_FALSE(one_watch("title:borel")(m));  // in the text only
  EXPECT_TRUE(one_watch("greve")(m));         // plain terms search the title too
  EXPECT_TRUE(one_watch("borel (lang:en OR site:lemonde.fr)")(m));
  EXPECT_TRUE(one_watch("borel NOT source:twitter")(m));
  m.lang = "pt-BR";
  EXPECT_TRUE(one_watch("borel lang:pt")(m));
}

TEST(watch_matcher, watch_languages_and_sources) {
  std::vector<watch_definition> defs{def("t", "fr_news", "borel", {"fr"}, {"news", "Blog"}),
                                     def("t", "any", "borel")};
  auto built = watch_matcher::build(defs);
  ASSERT_TRUE(built.ok());
  match_scratch scratch;
  std::vector<std::string_view> ids;
  mention_view m;
  m.text = "borel";
  m.lang = "fr";
  m.source = "blog";
  (*built)->match(m, "t", scratch, &ids);
  EXPECT_EQ(ids, (std::vector<std::string_view>{"fr_news", "any"}));
  m.lang = "en";
  (*built)->match(m, "t", scratch, &ids);
  EXPECT_EQ(ids, (std::vector<std::string_view>{"any"}));
  m.lang = "fr";
  m.source = "twitter";
  (*built)->match(m, "t", scratch, &ids);
  EXPECT_EQ(ids, (std::vector<std::string_view>{"any"}));
}

TEST(watch_matcher, tenant_isolation_and_many_watches) {
  std::vector<watch_definition> defs{
      def("acme", "brand", "borel"),
      def("acme", "crisis", "borel NEAR/3 arnaque"),
      def("acme", "other", "kelvio"),
      def("globex", "brand", "borel OR kelvio"),
      def("globex", "negative", "borel NOT arnaque"),
  };
  auto built = watch_matcher::build(defs);
  ASSERT_TRUE(built.ok());
  const auto& matcher = **built;
  EXPECT_EQ(matcher.watch_count(), 5u);
  match_scratch scratch;
  std::vector<std::string_view> ids{"stale"};
  mention_view m;
  m.text = "Borel, une arnaque";
  matcher.match(m, "acme", scratch, &ids);
  EXPECT_EQ(ids, (std::vector<std::string_view>{"brand", "crisis"}));
  matcher.match(m, "globex", scratch, &ids);
  EXPECT_EQ(ids, (std::vector<std::string_view>{"brand"}));
  matcher.match(m, "initech", scratch, &ids);
  EXPECT_TRUE(ids.empty());
  m.text = "rien à voir";
  matcher.match(m, "acme", scratch, &ids);
  EXPECT_TRUE(ids.empty());
}

TEST(watch_matcher, scratch_follows_a_rebuilt_matcher) {
  match_scratch scratch;
  std::vector<std::string_view> ids;
  mention_view m;
  m.text = "borel kelvio veloria";
  std::vector<watch_definition> small{def("t", "a", "borel")};
  auto first = watch_matcher::build(small);
  ASSERT_TRUE(first.ok());
  (*first)->match(m, "t", scratch, &ids);
  EXPECT_EQ(ids.size(), 1u);
  std::vector<watch_definition> large;
  for (int i = 0; i < 50; ++i) large.push_back(def("t", "w" + std::to_string(i), "veloria OR term" + std::to_string(i)));
  auto second = watch_matcher::build(large);
  ASSERT_TRUE(second.ok());
  (*second)->match(m, "t", scratch, &ids);
  EXPECT_EQ(ids.size(), 50u);
  (*first)->match(m, "t", scratch, &ids);
  EXPECT_EQ(ids.size(), 1u);
}

TEST(watch_matcher, build_refuses_duplicates_and_unparsed_queries) {
  std::vector<watch_definition> dup{def("t", "a", "borel"), def("t", "a", "kelvio")};
  auto r = watch_matcher::build(dup);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "duplicate watch 'a' for tenant 't'");
  std::vector<watch_definition> same_id_other_tenant{def("t", "a", "borel"), def("u", "a", "kelvio")};
  EXPECT_TRUE(watch_matcher::build(same_id_other_tenant).ok());
  std::vector<watch_definition> empty(1);
  empty[0].tenant = "t";
  empty[0].id = "x";
  r = watch_matcher::build(empty);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "watch 'x' of tenant 't' has no parsed query");
  auto none = watch_matcher::build({});
  ASSERT_TRUE(none.ok());
  match_scratch scratch;
  std::vector<std::string_view> ids;
  mention_view m;
  m.text = "borel";
  (*none)->match(m, "t", scratch, &ids);
  EXPECT_TRUE(ids.empty());
}

TEST(watch_matcher, hostile_text_is_bounded) {
  one_watch w("\"a1 a1 a1 a1\" NEAR/100 a1b*");
  std::string text;
  for (int i = 0; i < 100000; ++i) text += "a1 a1 a1 a1 a1b ";
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(w(text));
  EXPECT_FALSE(w(std::string(1 << 20, '#')));
  EXPECT_FALSE(w(std::string(1 << 20, '\xff')));
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(ms, 2000);
}

}  // namespace
}  // namespace vigie::pipeline
