// Where bitmill-embed finds its model, and the output format it writes by default.
//
// find_model_dir(): the directory given (--model), else the environment variable BITMILL_MODEL
// when set and not empty, else the default model shipped beside the program
// (share/bitmill/models/default; data/models/default in the source tree, see util/data_dir.h).
// The environment is read through `getenv` (std::getenv in the tools, a table in tests). Error
// (not found): "no default model found (share/bitmill/models/default beside the program): pass
// --model DIR or set BITMILL_MODEL". The directory itself is not checked here: loading the model
// names what is missing.
//
// default_output_format(): "npy" for stdout ("-") and for a path ending in .npy, else "raw".
//
// Thread safety: pure functions (find_model_dir reads the file system and calls `getenv`).
#pragma once

#include <functional>
#include <string>

#include "bitmill/base/status.h"

namespace bitmill::encoder {

using GetEnv = std::function<const char*(const char* name)>;

Expected<std::string> find_model_dir(const std::string& given, const GetEnv& getenv);

std::string default_output_format(const std::string& output);

}  // namespace bitmill::encoder
