#pragma once
// A private directory (mode 0700) of its own under the system's temporary
// directory, removed with everything in it when this object goes: for loaders
// that read files, fed with archived versions.
#include <filesystem>
#include <string>

namespace siao::util {

class ScratchDir {
 public:
  explicit ScratchDir(const std::string& prefix);  // the directory's name starts so: "siao-replay"
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace siao::util
