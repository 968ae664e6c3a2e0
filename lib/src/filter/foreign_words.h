// Letters of a text written in scripts other than its language's, in words the other side of the
// pair also has: the names, brands and acronyms that text in Thai, Korean, Chinese, Persian or
// Tigrinya keeps in Latin letters ("ชายหาด Beacon ที่ Encinitas" / "near Beacon's Beach in
// Encinitas"). The script rule does not count them against the side.
//
// A word is a maximal run of letters and marks (L*, M*) whose script (ICU Script; Common and
// Inherited join the run they are in) is none of `scripts`. It counts when `other` contains it,
// ASCII letters compared case-insensitively ("labour" and "Labour"), other code points exactly.
// Input: valid UTF-8 (the features' contract, feature_util.h). Cost: one pass over `text`, and a
// search of `other` for each foreign word; no allocation.
//
// Thread safety: pure function.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace bitmill::filter {

// The letters and marks of `text`'s foreign words (see above) that `other` contains.
size_t foreign_letters_shared(std::string_view text, const std::vector<int>& scripts, std::string_view other);

}  // namespace bitmill::filter
