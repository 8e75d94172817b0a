#include "output.hpp"

#include <iostream>

namespace ablauf::cli {

std::ostream* open_output(const std::string& path, std::ofstream& file) {
  if (path.empty()) return &std::cout;
  file.open(path, std::ios::binary);
  if (file) return &file;
  std::cerr << path << ": error: cannot write the file\n";
  return nullptr;
}

}  // namespace ablauf::cli
