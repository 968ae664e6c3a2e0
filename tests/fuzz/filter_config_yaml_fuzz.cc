// bitmill-filter's --config pipeline files (filter/rule_config.h, yaml-cpp underneath) in both
// modes. The contract: an error "FILE[:LINE]: ...", or a configuration whose explain() output, read
// back as a --config file, gives the same configuration (the round trip the header promises);
// then the rule objects build from it or refuse it with an error.
#include <string>

#include "bitmill/filter/bitext_rules.h"
#include "bitmill/filter/language.h"
#include "bitmill/filter/rule_config.h"
#include "bitmill/filter/web_rules.h"
#include "fuzz_util.h"

using namespace bitmill;
using filter::FilterMode;

namespace {

void check_mode(FilterMode mode, const std::string& path) {
  filter::RuleConfig config(mode);
  const Status st = config.load_yaml(path);
  if (!st) {
    FUZZ_CHECK_NAMES(st.message(), path);
    return;
  }
  const std::string explained = config.explain();
  const std::string again_path = fuzz::write_file("explained.yaml", explained);
  filter::RuleConfig again(mode);
  const Status st2 = again.load_yaml(again_path);
  if (!st2) std::fprintf(stderr, "%s\n", st2.message().c_str());
  FUZZ_CHECK(st2.is_ok());
  const std::string twice = again.explain();
  if (twice != explained) {
    size_t at = 0;
    while (at < twice.size() && at < explained.size() && twice[at] == explained[at]) ++at;
    const size_t from = explained.rfind('\n', at) == std::string::npos ? 0 : explained.rfind('\n', at) + 1;
    std::fprintf(stderr, "explained: %s\nread back: %s\n", explained.substr(from, 120).c_str(),
                 twice.substr(from, 120).c_str());
  }
  FUZZ_CHECK(twice == explained);
  if (mode == FilterMode::kMono) {
    (void)filter::WebFilter::create(config);
  } else {
    static const filter::Language* de = *filter::find_language("de");
    static const filter::Language* en = *filter::find_language("en");
    (void)filter::BitextFilter::create(config, *de, *en, nullptr);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::write_file("config.yaml", fuzz::as_view(data, size));
  check_mode(FilterMode::kBitext, path);
  check_mode(FilterMode::kMono, path);
  return 0;
}
