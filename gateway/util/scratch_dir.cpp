#include "gateway/util/scratch_dir.hpp"

#include <stdlib.h>  // mkdtemp (POSIX)

#include <stdexcept>

namespace siao::util {

namespace fs = std::filesystem;

ScratchDir::ScratchDir(const std::string& prefix) {
  // mkdtemp: a name nobody else holds, made 0700 atomically.
  std::string pattern = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot create a scratch directory under " + pattern);
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

}  // namespace siao::util
