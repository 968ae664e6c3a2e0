#include "bitmill/filter/terminal_punct.h"

#include <doctest/doctest.h>

#include <string>

namespace bitmill::filter {
namespace {

// ---------------------------------------------------------------------------------------------
// terminal_punctuation

TEST_CASE("terminal_punctuation classifies the sentence end") {
  using T = Terminal;
  struct Row {
    std::string text;
    Terminal expected;
  };
  const Row rows[] = {
      {"", T::kNone},
      {"   ", T::kNone},
      {"Hello", T::kNone},
      {"Hello.", T::kStop},
      {"Hello.   ", T::kStop},
      {"Hello?", T::kQuestion},
      {"Hello!", T::kExclamation},
      {"Hello:", T::kOther},
      {"Hello,", T::kOther},
      {"Hello -", T::kOther},
      {"Wait…", T::kStop},
      {"Wait...", T::kStop},
      {"Really?!", T::kQuestion},
      {"Really!?", T::kQuestion},
      {"Wow!!!", T::kExclamation},
      {"He said \"hi.\"", T::kStop},
      {"He said 'hi'", T::kNone},
      {"(see above.)", T::kStop},
      {"(see above)", T::kNone},
      {"„Hallo!“", T::kExclamation},
      {"«\u00A0Bonjour\u00A0!\u00A0»", T::kExclamation},
      {"你好。", T::kStop},
      {"你好？", T::kQuestion},
      {"你好！", T::kExclamation},
      {"「はい」", T::kNone},
      {"「はい。」", T::kStop},
      {"مرحبا؟", T::kQuestion},
      {"שלום.\u200F", T::kStop},  // RLM after the stop
      {"सब ठीक है।", T::kStop},
      {"Τι κάνεις;", T::kOther},          // ASCII semicolon
      {"Τι κάνεις\u037E", T::kQuestion},  // Greek question mark
      {"ሰላም።", T::kStop},
      {"Hello \U0001F600", T::kNone},
      {"Price: 5", T::kNone},
      {"»", T::kNone},
      {"¿Qué", T::kNone},
      {"¡", T::kOther},
  };
  for (const Row& r : rows) {
    CAPTURE(r.text);
    CHECK(static_cast<int>(terminal_punctuation(r.text)) == static_cast<int>(r.expected));
  }
}

}  // namespace
}  // namespace bitmill::filter
