#include "tests/bench/mention_generator.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <span>
#include <string_view>
#include <utility>

namespace vigie::bench {
namespace {

using sv = std::string_view;

// ---------------------------------------------------------------------------------------------
// Randomness: xoshiro256** seeded through splitmix64. Fast, good enough statistically, and, unlike
// std::mt19937 + std::*_distribution, its output is specified bit for bit: the same seed gives
// the same file on every platform and standard library.

std::uint64_t splitmix64(std::uint64_t* state) noexcept {
  std::uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// A stateless hash of a key, for attributes that must stay stable per entity (an author's name
// and followers) whatever the order in which entities are drawn.
std::uint64_t hash64(std::uint64_t key) noexcept { return splitmix64(&key); }

double unit_from_bits(std::uint64_t bits) noexcept {
  return static_cast<double>(bits >> 11) * 0x1.0p-53;  // [0, 1)
}

class rng {
 public:
  explicit rng(std::uint64_t seed) noexcept {
    for (auto& word : s_) word = splitmix64(&seed);
  }

  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  double uniform() noexcept { return unit_from_bits(next()); }
  bool chance(double p) noexcept { return uniform() < p; }

  // Uniform in [0, n); Lemire's multiply-shift (the tiny bias is irrelevant here).
  std::size_t below(std::size_t n) noexcept {
    return static_cast<std::size_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }
  std::int64_t between(std::int64_t lo, std::int64_t hi) noexcept {  // [lo, hi]
    return lo + static_cast<std::int64_t>(below(static_cast<std::size_t>(hi - lo + 1)));
  }
  double exponential(double mean) noexcept { return -mean * std::log1p(-uniform()); }

  template <class T>
  const T& pick(std::span<const T> items) noexcept {
    return items[below(items.size())];
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  std::array<std::uint64_t, 4> s_{};
};

// Index into a table of cumulative weights (last entry = total).
template <std::size_t N>
std::size_t pick_weighted(rng& r, const std::array<double, N>& cumulative) noexcept {
  const double x = r.uniform() * cumulative[N - 1];
  for (std::size_t i = 0; i < N; ++i) {
    if (x < cumulative[i]) return i;
  }
  return N - 1;
}

// ---------------------------------------------------------------------------------------------
// Sources and their mix. Proportions roughly follow what social-listening tools see for consumer
// brands: short social posts dominate, reviews and forums next, press is a minority by count
// but long and high-reach.

enum class text_kind { social, video, forum, review, article, blog };

struct source_info {
  sv name;
  sv id_prefix;
  double weight;
  text_kind kind;
};

constexpr std::array<source_info, 8> k_sources = {{
    {"twitter", "tw", 0.34, text_kind::social},
    {"mastodon", "md", 0.07, text_kind::social},
    {"bluesky", "bs", 0.10, text_kind::social},
    {"news", "nw", 0.10, text_kind::article},
    {"blog", "bl", 0.06, text_kind::blog},
    {"forum", "fo", 0.12, text_kind::forum},
    {"review", "rv", 0.13, text_kind::review},
    {"youtube", "yt", 0.08, text_kind::video},
}};

enum tone : int { positive = 0, negative = 1, neutral = 2 };
enum lang_id : int { fr = 0, en = 1 };

// Fraction of mentions that carry "lang"; the rest must be detected by the server.
constexpr double k_lang_given_fraction = 0.7;
// Fraction of "created_at" written as RFC 3339 strings; the rest are epoch milliseconds.
constexpr double k_rfc3339_fraction = 0.55;
// Fraction of mentions with an explicit "reach".
constexpr double k_reach_fraction = 0.3;
// Mentions that name no brand at all (sector chatter caught by broad queries).
constexpr double k_brandless_fraction = 0.04;
// Elongation ("nuuul", "sooo") of an intensifier or adjective in casual text.
constexpr double k_elongation_fraction = 0.12;
// Authors per source; who posts is heavily skewed (a few accounts post a lot).
constexpr std::uint64_t k_authors_per_source = 50000;
// Heavy tail of followers: Pareto with this shape and minimum, capped.
constexpr double k_followers_pareto_alpha = 1.1;
constexpr double k_followers_min = 5.0;
constexpr double k_followers_cap = 50e6;
// How many recent valid lines duplicates are drawn from.
constexpr std::size_t k_duplicate_window = 4096;
// Article and blog excerpt lengths, in bytes of text.
constexpr std::size_t k_article_min_bytes = 900;
constexpr std::size_t k_article_max_bytes = 2000;
constexpr std::size_t k_blog_min_bytes = 500;
constexpr std::size_t k_blog_max_bytes = 1500;
constexpr std::size_t k_slug_max_bytes = 80;

// ---------------------------------------------------------------------------------------------
// Vocabulary. Placeholders in templates:
//   {b} brand   {c} another brand   {p} topic   {a} adjective of the mention's tone
//   {g} positive adjective   {x} negative adjective   {i} intensifier   {e} emoji of the tone
//   {d} time expression   {n} number   {h} brand hashtag of the tone   {t} topic hashtag
//   {m} @handle of the brand   {u} short link   {r} first name

template <class... T>
constexpr std::array<sv, sizeof...(T)> words(T... w) {
  return {sv(w)...};
}

// French.
constexpr auto fr_social_pos = words(
    "Franchement {b}, {p} c'est {i} {a} {e}", "Merci {b} pour {p}, rien à redire {e}",
    "{d} j'ai testé {p} de {b} et c'est {i} {a} !",
    "Je recommande {b} les yeux fermés, {p} au top {e}",
    "Bravo à l'équipe {b}, {p} enfin à la hauteur", "Agréablement surprise par {p} chez {b} {e}",
    "{b} a réglé mon problème en {n} minutes, chapeau {e}",
    "Très content de {p} de {b}, je renouvelle sans hésiter",
    "Passé de {c} à {b} {d}, aucun regret, {p} est {i} {a}",
    "Pour une fois un service {a} : merci {m} {e}", "{p} de {b} : {i} {a}, je m'attendais à pire");
constexpr auto fr_social_neg =
    words("{b} c'est {i} {a}, {p} ne marche toujours pas {e}",
          "Ça fait {n} jours que j'attends {p}, merci {b}... {e}",
          "Plus jamais {b}. {p} {a}, service client aux abonnés absents",
          "{d} encore une panne chez {b}, c'est {i} {a} {e}",
          "Arnaque totale, {b} m'a facturé deux fois {p} {e}",
          "Je résilie {b} dès demain, {p} est une blague", "Honte à {b}, {p} {i} {a} {e}",
          "{m} ça fait {n} heures que j'attends une réponse, c'est {a}",
          "Quelqu'un d'autre a des soucis avec {p} de {b} ? C'est {i} {a}",
          "J'ai quitté {c} pour {b} et je le regrette déjà, {p} {a} {e}",
          "{b} qui augmente encore ses prix alors que {p} est {a}. Bravo...");
constexpr auto fr_social_neu = words(
    "{b} annonce {p} pour le mois prochain", "Quelqu'un a un avis sur {p} de {b} ?",
    "Vu une pub {b} {d}, ils lancent {p}", "{b} ou {c} pour {p} ? J'hésite",
    "Rendez-vous avec {b} {d} au sujet de {p}", "Nouveau logo pour {b}, vous en pensez quoi ?",
    "Le siège de {b} déménage à Lyon d'après la presse",
    "{b} recrute {n} personnes pour {p}, l'info est sur leur site {u}",
    "Comparatif {b} / {c} sur {p} en cours, résultats demain",
    "Petit sondage : qui est client chez {b} ici ?");
constexpr auto fr_topics =
    words("le service client", "la nouvelle appli", "ma facture", "la livraison", "le réseau",
          "l'abonnement", "le remboursement", "la hotline", "la dernière mise à jour",
          "le nouveau forfait", "l'offre de Noël", "la carte bancaire", "le SAV", "la fibre",
          "le programme de fidélité", "le site web", "l'espace client", "la boutique en ligne");
constexpr auto fr_adj_pos = words("génial", "top", "parfait", "impeccable", "efficace", "super",
                                  "rapide", "nickel", "au top", "réactif");
constexpr auto fr_adj_neg = words("nul", "lamentable", "honteux", "catastrophique", "inadmissible",
                                  "scandaleux", "lent", "pourri", "minable", "inutilisable");
constexpr auto fr_intensifiers =
    words("vraiment", "trop", "grave", "super", "carrément", "tellement", "franchement");
constexpr auto fr_times = words("ce matin", "hier soir", "aujourd'hui", "encore une fois",
                                "depuis lundi", "cette semaine", "ce week-end", "à l'instant");
constexpr auto fr_topic_tags_pos = words("#bonplan", "#satisfait", "#serviceclient", "#conso");
constexpr auto fr_topic_tags_neg =
    words("#arnaque", "#panne", "#serviceclient", "#SAV", "#colère", "#conso");
constexpr auto fr_topic_tags_neu =
    words("#conso", "#tech", "#telecom", "#banque", "#mobilité", "#actu");
constexpr auto fr_brand_tags_pos = words("Merci{C}", "Team{C}", "{C}", "Bravo{C}");
constexpr auto fr_brand_tags_neg =
    words("Boycott{C}", "{C}Fail", "Arnaque{C}", "{C}Gate", "{C}EnPanne", "Scandale{C}");
constexpr auto fr_brand_tags_neu = words("{C}", "{C}Actu", "{C}");
constexpr auto fr_titles_pos =
    words("{b} signe un trimestre record", "Comment {b} a reconquis ses clients",
          "{b} primé pour la qualité de son service client",
          "{p} : {b} prend une longueur d'avance sur {c}", "{b} : les clients plébiscitent {p}");
constexpr auto fr_titles_neg =
    words("{b} : la panne géante qui exaspère les clients",
          "Service client : {b} sous le feu des critiques",
          "{b} visé par une plainte pour pratiques commerciales trompeuses",
          "Fuite de données chez {b} : ce que l'on sait",
          "« {h} » : la colère des clients de {b} s'emballe sur les réseaux");
constexpr auto fr_titles_neu = words(
    "{b} nomme un nouveau directeur général", "{b} et {c} se disputent le marché",
    "{b} dévoile {p} : notre premier avis", "Ce qui change pour les clients de {b} au 1er mars",
    "{b} investit {n} millions d'euros dans {p}");
constexpr auto fr_article_pos = words(
    "Les analystes saluent une stratégie {g} et une exécution sans faute.",
    "L'action a gagné {n} % depuis janvier, portée par le succès de {p}.",
    "« Nous avons écouté nos clients », résume la directrice de la communication de {b}.",
    "Sur les réseaux sociaux, les retours sont majoritairement {g}s, et le hashtag {h} circule.",
    "Interrogée, une cliente de longue date se dit « {i} satisfaite » de {p}.",
    "Le taux de réclamation aurait baissé de {n} % en un an, selon l'entreprise.");
constexpr auto fr_article_neg = words(
    "Sur les réseaux sociaux, de nombreux clients dénoncent {p}, certains le jugeant « {x} ».",
    "Les associations de consommateurs demandent des explications à {b}.",
    "Plusieurs utilisateurs rapportent avoir attendu plus de {n} jours avant d'obtenir une "
    "réponse.",
    "Le hashtag {h} s'est hissé en tête des tendances dans la soirée.",
    "« C'est {x}, on nous prend pour des pigeons », s'agace {r}, client depuis {n} ans.",
    "L'action a perdu {n} % en deux séances, signe de l'inquiétude des investisseurs.",
    "De son côté, {c} profite de la situation pour multiplier les offres promotionnelles.");
constexpr auto fr_article_neu =
    words("Selon nos informations, {b} prépare depuis plusieurs mois une refonte de {p}.",
          "Contacté, le service de presse de {b} n'a pas souhaité commenter.",
          "« Nous prenons la situation très au sérieux », assure un porte-parole de {b}.",
          "Le groupe revendique plus de {n} millions de clients en France.",
          "Le marché reste très concurrentiel, face notamment à {c}.",
          "La direction doit présenter ses résultats annuels le mois prochain.",
          "Les détails de l'offre seront précisés sur le site de l'entreprise.",
          "Un premier bilan sera dressé d'ici la fin du trimestre.",
          "{b} emploie environ {n} 000 personnes, dont une majorité en région.",
          "Les syndicats attendent des précisions sur le calendrier.");
constexpr auto fr_blog_titles_pos =
    words("Mon avis sur {p} de {b} : conquise !", "{b}, {n} mois après : mon bilan (très positif)");
constexpr auto fr_blog_titles_neg =
    words("Pourquoi j'ai quitté {b}", "{b} et {p} : mon parcours du combattant");
constexpr auto fr_blog_titles_neu =
    words("{b} ou {c} : le comparatif", "J'ai testé {p} de {b} pendant un mois");
constexpr auto fr_forum_openers =
    words("Bonjour à tous,", "Salut,", "Hello,", "Bonsoir,", "Petite question :");
constexpr auto fr_forum_closers =
    words("Merci d'avance.", "Des idées ?", "Bonne soirée.", "Je vous tiens au courant.", "");
constexpr auto fr_generic = words("Les banques en ligne, vous en pensez quoi ? {e}",
                                  "Quel opérateur pour la fibre à la campagne ? {t}",
                                  "Marre des hotlines qui ne répondent jamais {e} {t}",
                                  "Un bon plan vélo électrique à me conseiller ?");

// English.
constexpr auto en_social_pos = words(
    "Honestly {b}, {p} is {i} {a} {e}", "Shoutout to {b} for {p}, {i} {a}",
    "Tried {p} from {b} {d} and it's {i} {a}!", "{b} fixed my issue in {n} minutes, impressed {e}",
    "Can't recommend {b} enough, {p} just works", "Switched from {c} to {b} {d}, night and day {e}",
    "Credit where it's due: {p} from {b} is {a}", "{m} you guys are {i} {a}, thank you {e}",
    "Didn't expect much but {p} from {b} is {i} {a}");
constexpr auto en_social_neg =
    words("{p} from {b} is {i} {a} {e}", "Been waiting {n} days for {p}, thanks {b}... {e}",
          "Never again {b}. {p} is {a} and support won't answer",
          "{d} another outage at {b}, {i} {a} {e}", "{b} charged me twice for {p}. Total scam {e}",
          "Cancelling {b} tomorrow, {p} is a joke", "{m} {n} hours on hold and still nothing. {a}.",
          "Anyone else having problems with {p} from {b}? {i} {a}",
          "Left {c} for {b} and already regretting it {e}",
          "{b} raising prices again while {p} is {a}. Great job...");
constexpr auto en_social_neu =
    words("{b} is launching {p} next month", "Anyone tried {p} from {b}?",
          "Saw a {b} ad {d}, looks like they're pushing {p}", "{b} or {c} for {p}? Can't decide",
          "{b} just changed their logo, thoughts?", "Meeting with {b} {d} about {p}",
          "{b} is hiring {n} people for {p}, details here {u}", "Quick poll: who here is with {b}?",
          "Comparing {b} and {c} on {p}, will post results tomorrow");
constexpr auto en_topics =
    words("customer service", "the new app", "my bill", "delivery", "the network",
          "the subscription", "the refund", "the helpline", "the latest update", "the new plan",
          "the holiday offer", "the debit card", "after-sales support", "fiber",
          "the loyalty program", "the website", "the online store");
constexpr auto en_adj_pos = words("great", "amazing", "flawless", "fast", "brilliant", "solid",
                                  "awesome", "smooth", "spot on");
constexpr auto en_adj_neg = words("awful", "terrible", "useless", "ridiculous", "unacceptable",
                                  "broken", "slow", "pathetic", "disgraceful");
constexpr auto en_intensifiers = words("really", "so", "super", "totally", "seriously", "just");
constexpr auto en_times = words("this morning", "last night", "today", "again", "since Monday",
                                "this week", "over the weekend", "just now");
constexpr auto en_topic_tags_pos = words("#deal", "#happycustomer", "#customerservice");
constexpr auto en_topic_tags_neg =
    words("#fail", "#scam", "#outage", "#customerservice", "#badservice");
constexpr auto en_topic_tags_neu = words("#tech", "#fintech", "#telecom", "#news", "#ebike");
constexpr auto en_brand_tags_pos = words("Thanks{C}", "Team{C}", "{C}", "{C}Love");
constexpr auto en_brand_tags_neg = words("Boycott{C}", "{C}Fail", "{C}Gate", "{C}Down", "{C}Scam");
constexpr auto en_brand_tags_neu = words("{C}", "{C}News", "{C}");
constexpr auto en_titles_pos =
    words("{b} posts record quarter", "How {b} won its customers back",
          "{b} wins award for customer service", "{b} pulls ahead of {c} with {p}");
constexpr auto en_titles_neg = words(
    "{b} outage leaves customers fuming", "{b} under fire over customer service",
    "{b} faces complaint over misleading sales practices",
    "Data breach at {b}: what we know so far", "Why \"{h}\" is trending: customers turn on {b}");
constexpr auto en_titles_neu =
    words("{b} names new chief executive", "{b} and {c} battle for market share",
          "{b} unveils {p}: first look", "What changes for {b} customers from March 1",
          "{b} to invest {n} million in {p}");
constexpr auto en_article_pos =
    words("Analysts praised a {g} strategy and near-flawless execution.",
          "Shares are up {n}% since January, driven by the success of {p}.",
          "\"We listened to our customers,\" said {b}'s head of communications.",
          "Feedback on social media has been largely {g}, with the hashtag {h} spreading fast.",
          "A long-time customer described {p} as \"{i} {g}\".",
          "Complaints reportedly fell {n}% year on year, according to the company.");
constexpr auto en_article_neg =
    words("On social media, many customers slammed {p}, some calling it \"{x}\".",
          "Consumer groups are demanding answers from {b}.",
          "Several users say they waited more than {n} days for a reply.",
          "The hashtag {h} climbed to the top of the trending list overnight.",
          "\"It's {x}, they treat us like fools,\" said {r}, a customer for {n} years.",
          "Shares fell {n}% over two sessions as investors grew nervous.",
          "Meanwhile {c} is seizing the moment with a wave of promotions.");
constexpr auto en_article_neu =
    words("According to people familiar with the matter, {b} has been reworking {p} for months.",
          "A {b} spokesperson declined to comment.",
          "\"We are taking the situation very seriously,\" a {b} spokesperson said.",
          "The group claims more than {n} million customers.",
          "The market remains fiercely competitive, not least because of {c}.",
          "Management is due to present annual results next month.",
          "Details of the offer will be published on the company's website.",
          "A first assessment is expected by the end of the quarter.",
          "{b} employs around {n},000 people, most of them outside the capital.",
          "Unions are waiting for more details on the timeline.");
constexpr auto en_blog_titles_pos =
    words("My honest review of {p} from {b}: sold!", "{b}, {n} months in: a happy verdict");
constexpr auto en_blog_titles_neg =
    words("Why I left {b}", "{b} and {p}: my customer-service nightmare");
constexpr auto en_blog_titles_neu =
    words("{b} vs {c}: the comparison", "I used {p} from {b} for a month");
constexpr auto en_forum_openers = words("Hi all,", "Hey,", "Hello everyone,", "Quick question:");
constexpr auto en_forum_closers =
    words("Thanks in advance.", "Any ideas?", "Cheers.", "Will keep you posted.", "");
constexpr auto en_generic =
    words("Online banks, worth it or not? {e}", "Which provider for fiber in the countryside? {t}",
          "Sick of helplines that never pick up {e} {t}", "Any good e-bike deals out there?");

constexpr auto emoji_pos = words("😍", "👍", "🙏", "👏", "🔥", "✅", "💯", "😊", "🥰", "🚀");
constexpr auto emoji_neg =
    words("😡", "🤬", "👎", "💔", "😤", "🙄", "❌", "📉", "😱", "🤦‍♀️");
constexpr auto emoji_neu = words("🤔", "👀", "📣", "ℹ️", "📰", "🙂", "🤷", "📱");

constexpr auto first_names =
    words("Camille", "Julien", "Léa", "Thomas", "Manon", "Nicolas", "Chloé", "Antoine", "Inès",
          "Hugo", "Zoé", "Mathieu", "Sarah", "Maxime", "Élodie", "Karim", "Nadia", "Yanis",
          "Margaux", "Baptiste", "Emma", "James", "Olivia", "Liam", "Sophie", "Noah", "Grace",
          "Ethan", "Hannah", "Daniel", "Maya", "Owen");
constexpr auto last_names =
    words("Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Girard", "Nguyen", "Benali",
          "Rousseau", "Fontaine", "Smith", "Walker", "O'Brien", "Patel", "Hughes", "Carter",
          "Kowalski", "Silva", "Da Costa", "Le Goff");
constexpr auto blog_suffixes = words("-conso", "-tech", "blog", "-avis", "-lab", "-journal");
constexpr auto blog_tlds = words(".fr", ".com", ".net", ".blog");
constexpr auto short_link_hosts = words("https://bit.ly/", "https://t.co/", "https://buff.ly/");

struct outlet {
  sv name;
  sv domain;
};
constexpr std::array<outlet, 8> fr_outlets = {{
    {"Le Courrier de l'Éco", "courrier-eco.fr"},
    {"La Gazette Numérique", "gazette-numerique.fr"},
    {"Conso Hebdo", "consohebdo.fr"},
    {"Le Fil Tech", "lefiltech.fr"},
    {"Réseaux & Marchés", "reseaux-marches.fr"},
    {"L'Observateur Régional", "observateur-regional.fr"},
    {"Quotidien Finance", "quotidien-finance.fr"},
    {"Radio Côte Ouest", "radiocoteouest.fr"},
}};
constexpr std::array<outlet, 6> en_outlets = {{
    {"The Daily Ledger", "dailyledger.co.uk"},
    {"Market Pulse", "marketpulse-news.com"},
    {"Tech Observer", "techobserver-news.com"},
    {"Consumer Watch Weekly", "consumerwatchweekly.com"},
    {"The Northern Courier", "northerncourier.co.uk"},
    {"Business Brief", "businessbrief-daily.com"},
}};

struct lexicon {
  std::array<std::span<const sv>, 3> social;
  std::span<const sv> topics, adj_pos, adj_neg, intensifiers, times;
  std::array<std::span<const sv>, 3> topic_tags, brand_tags, titles, article, blog_titles;
  std::span<const sv> forum_openers, forum_closers, generic;
  std::span<const outlet> outlets;
  sv rating_prefix;
  sv video_at;
};

const lexicon k_lexicons[2] = {
    {{fr_social_pos, fr_social_neg, fr_social_neu},
     fr_topics,
     fr_adj_pos,
     fr_adj_neg,
     fr_intensifiers,
     fr_times,
     {fr_topic_tags_pos, fr_topic_tags_neg, fr_topic_tags_neu},
     {fr_brand_tags_pos, fr_brand_tags_neg, fr_brand_tags_neu},
     {fr_titles_pos, fr_titles_neg, fr_titles_neu},
     {fr_article_pos, fr_article_neg, fr_article_neu},
     {fr_blog_titles_pos, fr_blog_titles_neg, fr_blog_titles_neu},
     fr_forum_openers,
     fr_forum_closers,
     fr_generic,
     fr_outlets,
     "Note : ",
     "à "},
    {{en_social_pos, en_social_neg, en_social_neu},
     en_topics,
     en_adj_pos,
     en_adj_neg,
     en_intensifiers,
     en_times,
     {en_topic_tags_pos, en_topic_tags_neg, en_topic_tags_neu},
     {en_brand_tags_pos, en_brand_tags_neg, en_brand_tags_neu},
     {en_titles_pos, en_titles_neg, en_titles_neu},
     {en_article_pos, en_article_neg, en_article_neu},
     {en_blog_titles_pos, en_blog_titles_neg, en_blog_titles_neu},
     en_forum_openers,
     en_forum_closers,
     en_generic,
     en_outlets,
     "Rating: ",
     "at "},
};

const std::array<std::span<const sv>, 3> k_emoji = {emoji_pos, emoji_neg, emoji_neu};

// Tone mix per kind of text: press is mostly neutral, reviews polarised.
constexpr std::array<double, 3> k_tone_social = {0.30, 0.62, 1.0};
constexpr std::array<double, 3> k_tone_article = {0.20, 0.50, 1.0};
constexpr std::array<double, 3> k_tone_review = {0.45, 0.85, 1.0};

// Invalid line kinds, drawn uniformly when a line is to be invalid.
enum class defect {
  none,
  truncated,         // cut in the middle: not JSON
  trailing_garbage,  // a valid object followed by junk
  not_an_object,     // an array, a string, or plain text
  missing_id,
  missing_text,
  missing_created_at,
  id_null,             // wrong type
  text_number,         // wrong type
  created_at_bool,     // wrong type
  created_at_garbled,  // a string that is not RFC 3339
  author_string,       // wrong type
  followers_string,    // wrong type
};
constexpr int k_defect_kinds = 12;  // all but none

// ---------------------------------------------------------------------------------------------
// Small writers.

void append_int(std::string* out, std::int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, end);
}

void append_padded(std::string* out, std::uint64_t v, int width) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  for (int pad = width - static_cast<int>(end - buf); pad > 0; --pad) out->push_back('0');
  out->append(buf, end);
}

// JSON string literal. Input is valid UTF-8 (our own vocabulary and names), passed through as is;
// only '"', '\\' and control characters need escaping.
void append_json_string(std::string* out, sv s) {
  static constexpr char k_hex[] = "0123456789abcdef";
  out->push_back('"');
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\r':
        out->append("\\r");
        break;
      default:
        out->append("\\u00");
        out->push_back(k_hex[c >> 4]);
        out->push_back(k_hex[c & 0xf]);
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

void append_ascii_lower(std::string* out, sv s) {
  for (char ch : s) out->push_back((ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch + 32) : ch);
}
void append_ascii_upper(std::string* out, sv s) {
  for (char ch : s) out->push_back((ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 32) : ch);
}

// Days since 1970-01-01 -> civil date (Howard Hinnant's algorithm).
void civil_from_days(std::int64_t z, std::int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<std::int64_t>(yoe) + era * 400 + (*m <= 2);
}

constexpr std::int64_t k_ms_per_day = 86'400'000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

void append_date(std::string* out, std::int64_t ms, char sep) {
  std::int64_t y;
  unsigned m, d;
  civil_from_days(floor_div(ms, k_ms_per_day), &y, &m, &d);
  append_padded(out, static_cast<std::uint64_t>(y), 4);
  out->push_back(sep);
  append_padded(out, m, 2);
  out->push_back(sep);
  append_padded(out, d, 2);
}

// RFC 3339 with the given UTC offset (minutes), with or without milliseconds.
void append_rfc3339(std::string* out, std::int64_t utc_ms, int offset_minutes, bool with_ms) {
  const std::int64_t local = utc_ms + std::int64_t{offset_minutes} * 60'000;
  append_date(out, local, '-');
  const std::int64_t in_day = local - floor_div(local, k_ms_per_day) * k_ms_per_day;
  out->push_back('T');
  append_padded(out, static_cast<std::uint64_t>(in_day / 3'600'000), 2);
  out->push_back(':');
  append_padded(out, static_cast<std::uint64_t>(in_day / 60'000 % 60), 2);
  out->push_back(':');
  append_padded(out, static_cast<std::uint64_t>(in_day / 1000 % 60), 2);
  if (with_ms) {
    out->push_back('.');
    append_padded(out, static_cast<std::uint64_t>(in_day % 1000), 3);
  }
  if (offset_minutes == 0) {
    out->push_back('Z');
    return;
  }
  out->push_back(offset_minutes < 0 ? '-' : '+');
  const int abs_minutes = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  append_padded(out, static_cast<std::uint64_t>(abs_minutes / 60), 2);
  out->push_back(':');
  append_padded(out, static_cast<std::uint64_t>(abs_minutes % 60), 2);
}

// URL slug: ASCII lowercase, common Latin-1 accented letters folded, everything else a dash.
void append_slug(std::string* out, sv title) {
  static constexpr char k_c3_fold[64] = {
      // 0x80-0xBF after 0xC3: À..ÿ
      'a', 'a', 'a', 'a', 'a', 'a', 'a', 'c', 'e', 'e', 'e', 'e', 'i', 'i', 'i', 'i',  //
      'd', 'n', 'o', 'o', 'o', 'o', 'o', 0,   'o', 'u', 'u', 'u', 'u', 'y', 0,   's',  //
      'a', 'a', 'a', 'a', 'a', 'a', 'a', 'c', 'e', 'e', 'e', 'e', 'i', 'i', 'i', 'i',  //
      'd', 'n', 'o', 'o', 'o', 'o', 'o', 0,   'o', 'u', 'u', 'u', 'u', 'y', 0,   'y'};
  const std::size_t start = out->size();
  bool dash = true;  // no leading dash
  for (std::size_t i = 0; i < title.size() && out->size() - start < k_slug_max_bytes; ++i) {
    auto c = static_cast<unsigned char>(title[i]);
    char folded = 0;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      folded = static_cast<char>(c);
    } else if (c >= 'A' && c <= 'Z') {
      folded = static_cast<char>(c + 32);
    } else if (c == 0xC3 && i + 1 < title.size()) {
      const auto c2 = static_cast<unsigned char>(title[i + 1]);
      if (c2 >= 0x80 && c2 <= 0xBF) folded = k_c3_fold[c2 - 0x80];
      ++i;
    } else if (c >= 0x80) {
      while (i + 1 < title.size() && (static_cast<unsigned char>(title[i + 1]) & 0xC0) == 0x80) ++i;
    }
    if (folded != 0) {
      out->push_back(folded);
      dash = false;
    } else if (!dash) {
      out->push_back('-');
      dash = true;
    }
  }
  if (out->size() > start && out->back() == '-') out->pop_back();
}

// Repeats the last ASCII vowel of a word: "nul" -> "nuuuul", "so" -> "sooo".
void append_elongated(std::string* out, sv word, int extra) {
  std::size_t vowel = sv::npos;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (sv("aeiouy").find(word[i]) != sv::npos) vowel = i;
  }
  if (vowel == sv::npos) {
    out->append(word);
    return;
  }
  out->append(word.substr(0, vowel + 1));
  out->append(static_cast<std::size_t>(extra), word[vowel]);
  out->append(word.substr(vowel + 1));
}

// French contracts "de le" and "à le" into "du" and "au" ("la refonte du réseau").
void append_topic(std::string* out, sv topic) {
  if (topic.starts_with("le ")) {
    const sv tail = topic.substr(3);
    if (out->ends_with(" de ") || *out == "de ") {
      out->resize(out->size() - 3);
      out->append("du ").append(tail);
      return;
    }
    if (out->ends_with(" à ")) {
      out->resize(out->size() - 3);  // "à" is two bytes
      out->append("au ").append(tail);
      return;
    }
  }
  out->append(topic);
}

// Ends a sentence before another one is appended, unless it already ends with punctuation or
// an emoji (which people use as a full stop).
void end_sentence(std::string* out) {
  const auto last = static_cast<unsigned char>(out->back());
  if ((last >= 'a' && last <= 'z') || (last >= 'A' && last <= 'Z') ||
      (last >= '0' && last <= '9') || last == 0xA9 /* é */) {
    out->push_back('.');
  }
}

struct brand {
  std::string name;
  std::string camel;   // hashtag body: "MistraleTelecom"
  std::string handle;  // "@mistraletelecom"
};

brand make_brand(const std::string& name) {
  brand b;
  b.name = name;
  bool upper_next = true;
  for (char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (alnum || c >= 0x80) {
      b.camel.push_back((upper_next && c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : ch);
      upper_next = false;
    } else {
      upper_next = true;
    }
    if (alnum) b.handle.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : ch);
  }
  if (b.handle.empty()) b.handle = "brand";
  if (b.camel.empty()) b.camel = "Brand";
  return b;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

struct mention_generator::impl {
  explicit impl(generator_options o) : options(std::move(o)), r(options.seed) {
    std::uint64_t sub = options.seed ^ 0x5eed5eed5eed5eedULL;
    author_salt = splitmix64(&sub);
    if (options.brands.empty()) options.brands.push_back("Borel");
    // Zipf-like brand popularity: the first brands dominate share of voice.
    double total = 0;
    for (std::size_t i = 0; i < options.brands.size(); ++i) {
      brands.push_back(make_brand(options.brands[i]));
      total += 1.0 / std::pow(static_cast<double>(i + 1), 0.8);
      brand_cumulative.push_back(total);
    }
    double acc = 0;
    for (std::size_t i = 0; i < k_sources.size(); ++i) {
      acc += k_sources[i].weight;
      source_cumulative[i] = acc;
    }
    clock_ms = options.start_ms;
    next_id.fill(options.first_id);
    if (options.duplicate_fraction > 0) recent.resize(k_duplicate_window);
    text.reserve(4096);
    title.reserve(256);
  }

  void next(std::string* line);
  void write_mention(std::string* line, defect d);

  std::size_t pick_brand() {
    const double x = r.uniform() * brand_cumulative.back();
    for (std::size_t i = 0; i < brand_cumulative.size(); ++i) {
      if (x < brand_cumulative[i]) return i;
    }
    return brand_cumulative.size() - 1;
  }

  // Template expansion for the current mention (lang, tone, brands set by write_mention).
  void expand(sv tmpl, std::string* out);
  void append_brand(std::string* out, const brand& b);
  void append_brand_tag(std::string* out);
  void append_short_link(std::string* out);
  void append_word(std::string* out, sv word);
  void append_sentences(std::span<const sv> pool, std::size_t count, sv separator,
                        std::string* out);
  void build_social(const source_info& src);
  void build_forum();
  void build_review();
  void build_article(bool blog, const std::string& author_name);

  generator_options options;
  rng r;
  std::uint64_t author_salt = 0;
  std::vector<brand> brands;
  std::vector<double> brand_cumulative;
  std::array<double, k_sources.size()> source_cumulative{};
  std::array<std::uint64_t, k_sources.size()> next_id{};
  std::int64_t clock_ms = 0;
  std::uint64_t produced = 0;

  // Ring of recent valid lines for duplicates.
  std::vector<std::string> recent;
  std::size_t recent_count = 0;
  std::size_t recent_next = 0;

  // Per-mention state.
  const lexicon* lex = nullptr;
  tone t = neutral;
  const brand* b1 = nullptr;
  const brand* b2 = nullptr;
  bool casual = false;
  std::string text;
  std::string title;
  std::string scratch;
};

void mention_generator::impl::append_word(std::string* out, sv word) {
  if (casual && r.chance(k_elongation_fraction)) {
    append_elongated(out, word, static_cast<int>(r.between(2, 5)));
  } else {
    out->append(word);
  }
}

void mention_generator::impl::append_brand(std::string* out, const brand& b) {
  // People rarely type brand names with the official case: matching must ignore it.
  const double x = casual ? r.uniform() : 1.0;
  if (x < 0.15) {
    append_ascii_lower(out, b.name);
  } else if (x < 0.18) {
    append_ascii_upper(out, b.name);
  } else {
    out->append(b.name);
  }
}

void mention_generator::impl::append_brand_tag(std::string* out) {
  sv pattern = r.pick(lex->brand_tags[t]);
  out->push_back('#');
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern.compare(i, 3, "{C}") == 0) {
      out->append(b1->camel);
      i += 2;
    } else {
      out->push_back(pattern[i]);
    }
  }
}

void mention_generator::impl::append_short_link(std::string* out) {
  static constexpr char k_base62[] =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  out->append(r.pick(std::span<const sv>(short_link_hosts)));
  std::uint64_t bits = r.next();
  for (int i = 0; i < 7; ++i, bits /= 62) out->push_back(k_base62[bits % 62]);
}

void mention_generator::impl::expand(sv tmpl, std::string* out) {
  std::size_t run = 0;
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] != '{' || i + 2 >= tmpl.size() || tmpl[i + 2] != '}') continue;
    out->append(tmpl.data() + run, i - run);
    const char slot = tmpl[i + 1];
    i += 2;
    run = i + 1;
    switch (slot) {
      case 'b':
        append_brand(out, *b1);
        break;
      case 'c':
        append_brand(out, *b2);
        break;
      case 'p':
        append_topic(out, r.pick(lex->topics));
        break;
      case 'a':
        append_word(out, r.pick(t == negative   ? lex->adj_neg
                                : t == positive ? lex->adj_pos
                                : r.chance(0.5) ? lex->adj_pos
                                                : lex->adj_neg));
        break;
      case 'g':
        out->append(r.pick(lex->adj_pos));
        break;
      case 'x':
        out->append(r.pick(lex->adj_neg));
        break;
      case 'i':
        append_word(out, r.pick(lex->intensifiers));
        break;
      case 'e':
        out->append(r.pick(k_emoji[t]));
        break;
      case 'd':
        out->append(r.pick(lex->times));
        break;
      case 'n':
        append_int(out, r.between(2, 99));
        break;
      case 'h':
        append_brand_tag(out);
        break;
      case 't':
        out->append(r.pick(lex->topic_tags[t]));
        break;
      case 'm':
        out->push_back('@');
        out->append(b1->handle);
        if (r.chance(0.4)) {
          out->append(r.chance(0.5)            ? sv("_support")
                      : lex == &k_lexicons[fr] ? sv("_fr")
                                               : sv("_uk"));
        }
        break;
      case 'u':
        append_short_link(out);
        break;
      case 'r':
        out->append(r.pick(std::span<const sv>(first_names)));
        break;
      default:
        out->append(tmpl.data() + i - 2, 3);
    }
  }
  out->append(tmpl.data() + run, tmpl.size() - run);
}

void mention_generator::impl::append_sentences(std::span<const sv> pool, std::size_t count,
                                               sv separator, std::string* out) {
  for (std::size_t k = 0; k < count; ++k) {
    if (!out->empty()) {
      end_sentence(out);
      out->append(separator);
    }
    expand(r.pick(pool), out);
  }
}

void mention_generator::impl::build_social(const source_info& src) {
  if (src.name != "youtube" && r.chance(0.08)) {  // a reply: starts with the replied-to handle
    text.push_back('@');
    const sv first = r.pick(std::span<const sv>(first_names));
    append_ascii_lower(&text, first);
    append_int(&text, r.between(1, 999));
    text.push_back(' ');
  }
  if (r.chance(k_brandless_fraction)) {
    expand(r.pick(lex->generic), &text);
    return;
  }
  expand(r.pick(lex->social[t]), &text);
  // Mastodon and Bluesky allow longer posts, and people use them.
  const double more = src.name == "twitter" ? 0.2 : 0.4;
  if (r.chance(more)) {
    end_sentence(&text);
    text.push_back(' ');
    expand(r.pick(lex->social[r.chance(0.8) ? t : neutral]), &text);
  }
  if (src.kind == text_kind::video && r.chance(0.3)) {
    text.append(" (");
    text.append(lex->video_at);
    append_int(&text, r.between(0, 25));
    text.push_back(':');
    append_padded(&text, static_cast<std::uint64_t>(r.between(0, 59)), 2);
    text.push_back(')');
  }
  if (t != neutral && r.chance(0.08)) text.append(t == negative ? " !!!" : "!!");
  const auto tags = static_cast<int>(r.below(src.kind == text_kind::video ? 2 : 4));
  for (int k = 0; k < tags; ++k) {
    text.push_back(' ');
    if (r.chance(0.5)) {
      append_brand_tag(&text);
    } else {
      text.append(r.pick(lex->topic_tags[t]));
    }
  }
  for (int k = static_cast<int>(r.below(3)); k > 0; --k) {
    text.push_back(' ');
    text.append(r.pick(k_emoji[t]));
  }
  if (r.chance(0.12)) {
    text.push_back(' ');
    append_short_link(&text);
  }
}

void mention_generator::impl::build_forum() {
  text.append(r.pick(lex->forum_openers));
  if (r.chance(k_brandless_fraction)) {
    text.push_back(' ');
    expand(r.pick(lex->generic), &text);
  } else {
    const auto sentences = static_cast<std::size_t>(r.between(2, 4));
    for (std::size_t k = 0; k < sentences; ++k) {
      text.append(k == 1 && r.chance(0.3) ? "\n" : " ");
      expand(r.pick(lex->social[r.chance(0.8) ? t : neutral]), &text);
      end_sentence(&text);
    }
  }
  const sv closer = r.pick(lex->forum_closers);
  if (!closer.empty()) {
    text.push_back(' ');
    text.append(closer);
  }
}

void mention_generator::impl::build_review() {
  append_sentences(lex->social[t], static_cast<std::size_t>(r.between(1, 3)), " ", &text);
  const std::int64_t stars = t == positive ? r.between(4, 5) : t == negative ? r.between(1, 2) : 3;
  text.push_back(' ');
  if (r.chance(0.5)) {
    text.append(lex->rating_prefix);
    append_int(&text, stars);
    text.append("/5");
  } else {
    for (std::int64_t k = 0; k < 5; ++k) text.append(k < stars ? "★" : "☆");
  }
}

void mention_generator::impl::build_article(bool blog, const std::string& author_name) {
  expand(r.pick(blog ? lex->blog_titles[t] : lex->titles[t]), &title);
  const std::size_t target =
      blog ? static_cast<std::size_t>(r.between(k_blog_min_bytes, k_blog_max_bytes))
           : static_cast<std::size_t>(r.between(k_article_min_bytes, k_article_max_bytes));
  // A lede in the article's tone, then a mix of neutral reporting and toned sentences,
  // in paragraphs of 2-4 sentences; a blog speaks in the first person.
  std::span<const sv> lede_pool =
      blog ? lex->social[t] : (t == neutral ? lex->article[neutral] : lex->article[t]);
  expand(r.pick(lede_pool), &text);
  if (blog) end_sentence(&text);
  int in_paragraph = 1;
  int paragraph_len = static_cast<int>(r.between(2, 4));
  while (text.size() < target) {
    if (in_paragraph >= paragraph_len) {
      text.append("\n\n");
      in_paragraph = 0;
      paragraph_len = static_cast<int>(r.between(2, 4));
    } else {
      text.push_back(' ');
    }
    const bool toned = t != neutral && r.chance(0.4);
    if (blog && r.chance(0.5)) {
      expand(r.pick(lex->social[toned ? t : neutral]), &text);
      end_sentence(&text);
    } else {
      expand(r.pick(lex->article[toned ? t : neutral]), &text);
    }
    ++in_paragraph;
  }
  if (blog && r.chance(0.5)) {
    text.append("\n\n— ");
    text.append(author_name);
  }
}

void mention_generator::impl::write_mention(std::string* line, defect d) {
  const std::size_t src_index = pick_weighted(r, source_cumulative);
  const source_info& src = k_sources[src_index];
  const lang_id lang = r.chance(0.5) ? fr : en;
  lex = &k_lexicons[lang];
  const auto& tone_mix = src.kind == text_kind::article  ? k_tone_article
                         : src.kind == text_kind::review ? k_tone_review
                                                         : k_tone_social;
  t = static_cast<tone>(pick_weighted(r, tone_mix));
  const std::size_t bi = pick_brand();
  b1 = &brands[bi];
  std::size_t bj = brands.size() > 1 ? r.below(brands.size() - 1) : 0;
  if (brands.size() > 1 && bj >= bi) ++bj;
  b2 = &brands[bj];
  casual = src.kind != text_kind::article && src.kind != text_kind::blog;

  // Event time: a Poisson-like arrival clock, and a created_at that lags it a little (most
  // posts arrive within a second, some crawled sources minutes to an hour late).
  clock_ms += static_cast<std::int64_t>(r.exponential(options.mean_interval_ms));
  const double late = r.uniform();
  const std::int64_t lateness = late < 0.85   ? r.between(0, 1000)
                                : late < 0.98 ? r.between(1000, 60'000)
                                              : r.between(60'000, 3'600'000);
  const std::int64_t created_ms = clock_ms - lateness;

  // Author: who posts is skewed towards a core of active accounts; followers are Pareto.
  const bool has_author = r.chance(src.kind == text_kind::review    ? 0.7
                                   : src.kind == text_kind::article ? 0.85
                                                                    : 0.95);
  std::uint64_t author_key = 0;
  std::int64_t followers = 0;
  const outlet* press = nullptr;
  scratch.clear();  // author name
  if (src.kind == text_kind::article) {
    press = &lex->outlets[r.below(lex->outlets.size())];
    author_key = static_cast<std::uint64_t>(press - lex->outlets.data()) + (lang == fr ? 0 : 100);
    const std::uint64_t h = hash64(author_salt ^ (author_key * 0x9e37ULL) ^ 0xa11ce);
    followers =
        static_cast<std::int64_t>(std::exp(std::log(1e4) + unit_from_bits(h) * std::log(300.0)));
    scratch.append(press->name);
  } else {
    const double u = r.uniform();
    author_key = static_cast<std::uint64_t>(static_cast<double>(k_authors_per_source) * u * u * u);
    const std::uint64_t h = hash64(author_salt ^ (std::uint64_t{src_index} << 40) ^ author_key);
    const double pareto =
        k_followers_min * std::pow(1.0 - unit_from_bits(h), -1.0 / k_followers_pareto_alpha);
    followers = static_cast<std::int64_t>(std::min(pareto, k_followers_cap));
    if (src.kind == text_kind::review) followers /= 50;  // review sites barely have followers
    const sv first = first_names[(h >> 8) % first_names.size()];
    const sv last = last_names[(h >> 16) % last_names.size()];
    switch ((h >> 24) % 4) {
      case 0:
        scratch.append(first).append(" ").append(last);
        break;
      case 1:
        scratch.append(first).append(" ").append(last.substr(0, 1)).append(".");
        break;
      case 2:
        append_ascii_lower(&scratch, first);
        scratch.push_back('_');
        append_ascii_lower(&scratch, last.substr(0, 1));
        append_int(&scratch, static_cast<std::int64_t>((h >> 32) % 100));
        break;
      default:
        scratch.append(first).append(" ").append(r.pick(k_emoji[positive]));
    }
  }

  text.clear();
  title.clear();
  switch (src.kind) {
    case text_kind::social:
    case text_kind::video:
      build_social(src);
      break;
    case text_kind::forum:
      build_forum();
      break;
    case text_kind::review:
      build_review();
      break;
    case text_kind::article:
      build_article(false, scratch);
      break;
    case text_kind::blog:
      build_article(true, scratch);
      break;
  }

  // --- JSON ---
  line->push_back('{');
  bool first_field = true;
  auto key = [&](sv name) {
    if (!first_field) line->push_back(',');
    first_field = false;
    line->push_back('"');
    line->append(name);
    line->append("\":");
  };

  const std::uint64_t id_number = next_id[src_index]++;
  if (d != defect::missing_id) {
    key("id");
    if (d == defect::id_null) {
      line->append("null");
    } else {
      line->push_back('"');
      line->append(src.id_prefix);
      line->push_back('-');
      append_padded(line, id_number, 9);
      line->push_back('"');
    }
  }
  key("source");
  append_json_string(line, src.name);
  if (d != defect::missing_created_at) {
    key("created_at");
    if (d == defect::created_at_bool) {
      line->append("true");
    } else if (d == defect::created_at_garbled) {
      line->push_back('"');
      std::int64_t y;
      unsigned m, dd;
      civil_from_days(floor_div(created_ms, k_ms_per_day), &y, &m, &dd);
      append_padded(line, dd, 2);
      line->push_back('/');
      append_padded(line, m, 2);
      line->push_back('/');
      append_int(line, y);
      line->append(" 10h30\"");
    } else if (r.chance(k_rfc3339_fraction)) {
      // Mostly UTC; French sources often local time, some English ones US Eastern.
      const double zone = r.uniform();
      const int offset = zone < 0.6   ? 0
                         : lang == fr ? (zone < 0.9 ? 60 : 120)
                                      : (zone < 0.9 ? -300 : 60);
      line->push_back('"');
      append_rfc3339(line, created_ms, offset, r.chance(0.5));
      line->push_back('"');
    } else {
      append_int(line, created_ms);
    }
  }
  if (r.chance(k_lang_given_fraction)) {
    key("lang");
    line->append(lang == fr ? "\"fr\"" : "\"en\"");
  }
  if (has_author || d == defect::author_string || d == defect::followers_string) {
    key("author");
    if (d == defect::author_string) {
      append_json_string(line, scratch);
    } else {
      line->append("{\"id\":\"");
      line->append(src.id_prefix);
      line->append(press != nullptr ? "-o" : "-u");
      append_int(line, static_cast<std::int64_t>(author_key));
      line->append("\",\"name\":");
      append_json_string(line, scratch);
      line->append(",\"followers\":");
      if (d == defect::followers_string) {
        line->append("\"lots\"");
      } else {
        append_int(line, followers);
      }
      line->push_back('}');
    }
  }
  if (r.chance(k_reach_fraction)) {
    // Reach counts shares and reposts beyond the author's own audience.
    key("reach");
    const double amplification = 1.0 + r.exponential(press != nullptr ? 1.0 : 3.0);
    append_int(line,
               static_cast<std::int64_t>(static_cast<double>(std::max<std::int64_t>(followers, 1)) *
                                         amplification));
  }
  if (!title.empty()) {
    key("title");
    append_json_string(line, title);
    key("url");
    line->append("\"https://");
    if (press != nullptr) {
      line->append("www.");
      line->append(press->domain);
    } else {
      const std::uint64_t h = hash64(author_salt ^ (std::uint64_t{src_index} << 40) ^ author_key);
      // Folding through the slug keeps the host ASCII ("Élodie" -> "elodie").
      append_slug(line, first_names[(h >> 8) % first_names.size()]);
      line->append(blog_suffixes[(h >> 40) % blog_suffixes.size()]);
      line->append(blog_tlds[(h >> 48) % blog_tlds.size()]);
    }
    line->push_back('/');
    append_date(line, created_ms, '/');
    line->push_back('/');
    append_slug(line, title);
    line->push_back('-');
    append_int(line, static_cast<std::int64_t>(id_number % 100000));
    line->append(".html\"");
  } else if (src.kind == text_kind::video) {
    key("url");
    static constexpr char k_video_chars[] =
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
    line->append("\"https://www.youtube.com/watch?v=");
    std::uint64_t bits = hash64(author_salt ^ (author_key << 8) ^ static_cast<std::uint64_t>(bi));
    for (int k = 0; k < 11; ++k, bits >>= 6) line->push_back(k_video_chars[bits & 63]);
    line->push_back('"');
  }
  if (d != defect::missing_text) {
    key("text");
    if (d == defect::text_number) {
      append_int(line, static_cast<std::int64_t>(text.size()));
    } else {
      append_json_string(line, text);
    }
  }
  line->append("}\n");
}

void mention_generator::impl::next(std::string* line) {
  ++produced;
  if (recent_count > 0 && r.chance(options.duplicate_fraction)) {
    line->append(recent[r.below(recent_count)]);
    return;
  }
  defect d = defect::none;
  if (options.invalid_fraction > 0 && r.chance(options.invalid_fraction)) {
    d = static_cast<defect>(1 + r.below(k_defect_kinds));
  }
  if (d == defect::not_an_object) {
    switch (r.below(3)) {
      case 0:
        line->append("[\"Borel\", \"c'est nul\"]\n");
        break;
      case 1:
        line->append("\"just a string about Kelvio\"\n");
        break;
      default:
        line->append("Borel c'est nul, pas du JSON du tout\n");
    }
    return;
  }
  const std::size_t start = line->size();
  write_mention(line, d);
  if (d == defect::truncated) {
    // Cut somewhere inside the object, never inside a UTF-8 sequence.
    std::size_t cut = start + 1 + r.below(line->size() - start - 3);
    while (cut > start + 1 && (static_cast<unsigned char>((*line)[cut]) & 0xC0) == 0x80) --cut;
    line->resize(cut);
    line->push_back('\n');
  } else if (d == defect::trailing_garbage) {
    line->pop_back();
    line->append(r.chance(0.5) ? " }\n" : ",{\"id\":\n");
  }
  if (d != defect::none) return;
  if (!recent.empty()) {
    recent[recent_next].assign(*line, start, sv::npos);
    recent_next = (recent_next + 1) % recent.size();
    if (recent_count < recent.size()) ++recent_count;
  }
}

mention_generator::mention_generator(generator_options options)
    : impl_(std::make_unique<impl>(std::move(options))) {}
mention_generator::~mention_generator() = default;
mention_generator::mention_generator(mention_generator&&) noexcept = default;
mention_generator& mention_generator::operator=(mention_generator&&) noexcept = default;

void mention_generator::next(std::string* line) { impl_->next(line); }
std::uint64_t mention_generator::lines() const noexcept { return impl_->produced; }

void generate_mentions(const generator_options& options, std::string* out) {
  mention_generator gen(options);
  for (std::size_t i = 0; i < options.count; ++i) gen.next(out);
}

}  // namespace vigie::bench
