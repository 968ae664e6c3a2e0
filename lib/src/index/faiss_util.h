// Helpers for calling FAISS (private header).
#pragma once

#include <exception>
#include <string>

namespace bitmill::index {

// A FAISS exception's message in one line, without the C++ signature and source location FAISS
// prepends ("Error in void faiss::...() at faiss/IndexIVF.cpp:123: Error: 'x' failed: msg" gives
// "'x' failed: msg").
inline std::string faiss_message(const std::exception& e) {
  std::string m = e.what();
  if (const size_t p = m.rfind("Error: "); p != std::string::npos) {
    m = m.substr(p + 7);
  } else if (m.rfind("Error in ", 0) == 0) {
    const size_t at = m.find(" at ");
    const size_t colon = at == std::string::npos ? std::string::npos : m.find(": ", at);
    if (colon != std::string::npos) m = m.substr(colon + 2);
  }
  for (char& c : m) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!m.empty() && m.back() == ' ') m.pop_back();
  return m;
}

}  // namespace bitmill::index
