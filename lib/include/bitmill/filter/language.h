// The languages bitmill-filter knows: one table with every label of fastText's lid.176 model and
// every language CLD2 (full tables) can report, keyed by ISO 639 codes.
//
// Codes: each entry has its ISO 639-3 code (for a macrolanguage the macrolanguage code: "zho",
// "ara", "fas", "msa", "nor", "hbs"...; for the few collective codes the models use, "bih" and
// "nah", the ISO 639-2/5 code), its ISO 639-1 code where one exists, an English name, and the ISO
// 15924 scripts it is normally written in. find_language() also accepts the engines' own labels
// ("zh-Hant", "iw", "jw", "sr-ME", "als" = Alemannic as in fastText/Wikipedia, not Tosk Albanian),
// a few legacy or bibliographic codes ("ger", "in", "mo") and the individual languages of a
// macrolanguage that the models do not separate ("cmn" -> Chinese, "arb" -> Arabic, "pes" ->
// Persian, "zsm" -> Malay, "nob"/"nb" -> Norwegian, "ekk" -> Estonian, "bua" -> Buriat, ...).
//
// Errors: find_language() fails with invalid_argument naming the code when it is not in the table.
// Thread safety: the table is immutable (built on first use, thread-safe static initialisation);
// every function may be called from any thread, and the returned pointers stay valid for the life
// of the process.
#pragma once

#include <string_view>
#include <vector>

#include "bitmill/base/status.h"

namespace bitmill::filter {

struct Language {
  std::string_view iso639_3;  // "deu"; macrolanguages: "zho", "ara", "fas", "msa", "nor", "hbs"
  std::string_view iso639_1;  // "de", or "" when there is none
  std::string_view name;      // "German"
  // ISO 15924 codes the language is normally written in, space-separated, most common first:
  // "Latn", "Cyrl", "Arab", "Hani" (Chinese), "Hira Kana Hani" (Japanese), "Hang Hani" (Korean),
  // "Cyrl Latn" (Serbian).
  std::string_view scripts;
};

// By ISO 639-1 or 639-3 code, or a fastText/CLD2 label, case-insensitive ("de", "DEU", "zh-Hant",
// "__label__de" is not accepted: strip fastText's prefix first). Region/script subtags other than
// the engine labels listed above are not parsed ("de-AT" is an error).
Expected<const Language*> find_language(std::string_view code);

// True when an identifier's guess `guessed` counts as the declared language `declared`: the same
// entry, or one of a short list of pairs the models cannot reliably tell apart on a sentence (see
// language.cc for the list and the measurements behind each pair). Symmetric.
bool same_language(const Language& declared, const Language& guessed);

// The languages close to `lang` (see language.cc for the groups and why): distinct languages the
// identifiers confuse on a sentence but tell apart on longer text (Afrikaans and Dutch, Estonian
// and Finnish, Czech and Slovak...). Not `lang` itself, nor the languages same_language() groups
// with it unless a close group lists them. Each entry once; empty for most languages.
std::vector<const Language*> close_languages(const Language& lang);

// Every entry, sorted by ISO 639-3 code.
const std::vector<Language>& all_languages();

}  // namespace bitmill::filter
