#include "bitmill/cli/k_option.h"

#include "bitmill/cli/checks.h"

namespace bitmill::cli {

CLI::Option* add_k_option(CLI::App& app, size_t& k, const std::string& help, KRangeHelp range) {
  CLI::Validator valid = count_in(1, kMaxK);
  // A description that states the range itself would repeat it after the value name.
  if (range == KRangeHelp::kInDescription) valid.description("");
  return app.add_option("-k", k, help)
      ->type_name(range == KRangeHelp::kInDescription ? "K" : "N")
      ->default_val(kDefaultK)
      ->check(valid);
}

}  // namespace bitmill::cli
