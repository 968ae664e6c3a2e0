// The unit tests' main: doctest's, plus one rule. ctest runs each test case on its own with
// --test-case=NAME; a filter that matches nothing (a name CMake's list splitting cut at a ';', a
// renamed case) would run zero checks and pass. Here it fails instead.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <atomic>
#include <cstdio>

namespace {

// How many test cases the last run selected (doctest reports it at the end of the run).
std::atomic<unsigned> g_selected{0};

struct SelectedCases : doctest::IReporter {
  explicit SelectedCases(const doctest::ContextOptions&) {}
  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats& s) override { g_selected = s.numTestCasesPassingFilters; }
  void test_case_start(const doctest::TestCaseData&) override {}
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats&) override {}
  void test_case_exception(const doctest::TestCaseException&) override {}
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData&) override {}
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}
};

REGISTER_LISTENER("selected_cases", 1, SelectedCases);

}  // namespace

int main(int argc, char** argv) {
  doctest::Context context(argc, argv);
  const int rc = context.run();
  if (context.shouldExit() || rc != 0) return rc;  // --list-test-cases, --help, or a failure
  if (g_selected == 0) {
    std::fprintf(stderr, "unit tests: no test case matches the filters (a ';' in a test name?)\n");
    return 1;
  }
  return rc;
}
