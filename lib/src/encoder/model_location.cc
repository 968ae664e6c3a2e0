#include "bitmill/encoder/model_location.h"

#include "bitmill/util/data_dir.h"

namespace bitmill::encoder {

Expected<std::string> find_model_dir(const std::string& given, const GetEnv& getenv) {
  if (!given.empty()) return given;
  if (const char* env = getenv("BITMILL_MODEL"); env != nullptr && *env != '\0') return std::string(env);
  if (auto dir = find_shared_data("models/default")) return *dir;
  return not_found(
      "no default model found (share/bitmill/models/default beside the program): pass --model DIR or set "
      "BITMILL_MODEL");
}

std::string default_output_format(const std::string& output) {
  return (output == "-" || output.ends_with(".npy")) ? "npy" : "raw";
}

}  // namespace bitmill::encoder
