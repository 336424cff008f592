// The gateway binary's hardening, read from the ELF file itself (no checksec needed): position-independent, full
// RELRO (relocations read-only and bound at start), a stack that is not executable, no segment both writable
// and executable, the stack protector's and FORTIFY's checking functions imported. And, from the build's
// compile_commands.json, every translation unit of the gateway compiled with the hardening flags, optimised
// (FORTIFY needs it) and, where the build asks for it, with warnings as errors. The checker is first run on two
// tiny programs, one built without and one with these flags, so that it is known to tell them apart.
// docs/security.md says why the sanitizer build is checked and how to check the release build.
#include <doctest/doctest.h>
#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "tests/e2e/contracts_fixture.hpp"

namespace fs = std::filesystem;
using siao::test::contracts::read_text;
using siao::test::contracts::TempDir;
using siao::test::contracts::write_text;

namespace {

struct ElfFacts {
  bool elf64 = false;
  bool pie = false;       // ET_DYN with DF_1_PIE and an interpreter: an executable loaded at a random address
  bool relro = false;     // a PT_GNU_RELRO segment
  bool bind_now = false;  // DF_BIND_NOW or DF_1_NOW: the GOT made read-only once bound at start (full RELRO)
  bool stack_segment = false, executable_stack = false;
  bool writable_and_executable = false;  // a PT_LOAD segment with both W and X
  bool text_relocations = false;
  std::set<std::string> imports;  // undefined dynamic symbols

  bool fortified() const {
    for (const auto& s : imports)
      if (s.size() > 6 && s.rfind("__", 0) == 0 && s.compare(s.size() - 4, 4, "_chk") == 0 && s != "__stack_chk_fail")
        return true;
    return false;
  }
  // What is missing, one word each; empty when every property holds.
  std::vector<std::string> missing() const {
    std::vector<std::string> out;
    if (!elf64) return {"a 64-bit ELF file"};
    if (!pie) out.emplace_back("PIE");
    if (!relro) out.emplace_back("RELRO");
    if (!bind_now) out.emplace_back("BIND_NOW");
    if (!stack_segment || executable_stack) out.emplace_back("a non-executable stack");
    if (writable_and_executable) out.emplace_back("W^X segments");
    if (text_relocations) out.emplace_back("no text relocations");
    if (!imports.contains("__stack_chk_fail")) out.emplace_back("the stack protector");
    if (!fortified()) out.emplace_back("FORTIFY");
    return out;
  }
};

ElfFacts elf_facts(const std::string& path) {
  ElfFacts f;
  const int fd = ::open(path.c_str(), O_RDONLY);
  REQUIRE_MESSAGE(fd >= 0, "cannot open " << path);
  struct stat st {};
  ::fstat(fd, &st);
  const auto size = static_cast<std::size_t>(st.st_size);
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  REQUIRE(map != MAP_FAILED);
  const auto* base = static_cast<const unsigned char*>(map);
  auto in_file = [&](std::size_t offset, std::size_t length) { return offset <= size && length <= size - offset; };
  const auto* eh = reinterpret_cast<const Elf64_Ehdr*>(base);
  f.elf64 = size >= sizeof(Elf64_Ehdr) && std::equal(eh->e_ident, eh->e_ident + SELFMAG, ELFMAG) &&
            eh->e_ident[EI_CLASS] == ELFCLASS64;
  if (!f.elf64) {
    ::munmap(map, size);
    return f;
  }
  bool interpreter = false, pie_flag = false;
  for (std::size_t i = 0; i < eh->e_phnum; ++i) {
    const auto offset = eh->e_phoff + i * eh->e_phentsize;
    if (!in_file(offset, sizeof(Elf64_Phdr))) break;
    const auto* ph = reinterpret_cast<const Elf64_Phdr*>(base + offset);
    if (ph->p_type == PT_INTERP) interpreter = true;
    if (ph->p_type == PT_GNU_RELRO) f.relro = true;
    if (ph->p_type == PT_GNU_STACK) {
      f.stack_segment = true;
      f.executable_stack = (ph->p_flags & PF_X) != 0;
    }
    if (ph->p_type == PT_LOAD && (ph->p_flags & PF_W) && (ph->p_flags & PF_X)) f.writable_and_executable = true;
    if (ph->p_type == PT_DYNAMIC && in_file(ph->p_offset, ph->p_filesz)) {
      const auto* dyn = reinterpret_cast<const Elf64_Dyn*>(base + ph->p_offset);
      for (std::size_t d = 0; d < ph->p_filesz / sizeof(Elf64_Dyn) && dyn[d].d_tag != DT_NULL; ++d) {
        const auto value = dyn[d].d_un.d_val;
        if (dyn[d].d_tag == DT_FLAGS && (value & DF_BIND_NOW)) f.bind_now = true;
        if (dyn[d].d_tag == DT_FLAGS && (value & DF_TEXTREL)) f.text_relocations = true;
        if (dyn[d].d_tag == DT_FLAGS_1 && (value & DF_1_NOW)) f.bind_now = true;
        if (dyn[d].d_tag == DT_FLAGS_1 && (value & DF_1_PIE)) pie_flag = true;
        if (dyn[d].d_tag == DT_TEXTREL) f.text_relocations = true;
      }
    }
  }
  f.pie = eh->e_type == ET_DYN && pie_flag && interpreter;
  for (std::size_t i = 0; i < eh->e_shnum; ++i) {
    const auto offset = eh->e_shoff + i * eh->e_shentsize;
    if (!in_file(offset, sizeof(Elf64_Shdr))) break;
    const auto* sh = reinterpret_cast<const Elf64_Shdr*>(base + offset);
    if (sh->sh_type != SHT_DYNSYM || sh->sh_link >= eh->e_shnum) continue;
    const auto* strings =
        reinterpret_cast<const Elf64_Shdr*>(base + eh->e_shoff + std::size_t{sh->sh_link} * eh->e_shentsize);
    if (!in_file(sh->sh_offset, sh->sh_size) || !in_file(strings->sh_offset, strings->sh_size)) continue;
    const auto* syms = reinterpret_cast<const Elf64_Sym*>(base + sh->sh_offset);
    for (std::size_t s = 0; s < sh->sh_size / sizeof(Elf64_Sym); ++s)
      if (syms[s].st_shndx == SHN_UNDEF && syms[s].st_name && syms[s].st_name < strings->sh_size)
        f.imports.insert(reinterpret_cast<const char*>(base + strings->sh_offset + syms[s].st_name));
  }
  ::munmap(map, size);
  return f;
}

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

std::string gateway_binary() {
  const char* env = std::getenv("SIAO_GATEWAY_BIN");
  return env && *env ? env : SIAO_GATEWAY_BIN_DEFAULT;
}

// A tiny program with a local buffer (for the stack protector) and a copy of unknown length (for FORTIFY).
const char* const kTinyProgram = R"(#include <cstdio>
#include <cstring>
int main(int argc, char** argv) {
  char buf[64];
  std::strcpy(buf, argv[0]);
  std::snprintf(buf + 1, sizeof buf - 1, "%s%d", argv[0], argc);
  std::puts(buf);
  return 0;
}
)";

}  // namespace

TEST_CASE("hardening: the ELF checker tells a hardened build from a bare one") {
  TempDir dir("hardening");
  const auto source = (dir.path() / "tiny.cpp").string();
  write_text(source, kTinyProgram);
  const auto bare = (dir.path() / "bare").string(), hardened = (dir.path() / "hardened").string();
  REQUIRE(std::system(("c++ -O2 -no-pie -fno-stack-protector -U_FORTIFY_SOURCE -Wl,-z,norelro -Wl,-z,lazy "
                       "-Wl,-z,execstack " + source + " -o " + bare + " 2>/dev/null").c_str()) == 0);
  REQUIRE(std::system(("c++ -O2 -fPIE -pie -fstack-protector-strong -D_FORTIFY_SOURCE=3 "
                       "-Wl,-z,relro,-z,now -Wl,-z,noexecstack " + source + " -o " + hardened + " 2>/dev/null")
                          .c_str()) == 0);
  const auto weak = elf_facts(bare).missing();
  CHECK(weak == std::vector<std::string>{"PIE", "RELRO", "BIND_NOW", "a non-executable stack", "the stack protector",
                                         "FORTIFY"});
  CHECK_MESSAGE(elf_facts(hardened).missing().empty(), joined(elf_facts(hardened).missing()));
}

TEST_CASE("hardening: the gateway binary is PIE with full RELRO - a non-executable stack - stack protector and FORTIFY") {
  const auto path = gateway_binary();
  auto facts = elf_facts(path);
  CHECK_MESSAGE(facts.missing().empty(), path << " lacks: " << joined(facts.missing()));
  int checked = 0;
  for (const auto& s : facts.imports) checked += s.size() > 4 && s.compare(s.size() - 4, 4, "_chk") == 0;
  MESSAGE(path << ": " << checked << " checking functions imported (__*_chk, __stack_chk_fail)");
  // The release build, when one is named (SIAO_RELEASE_BIN=build/release/siao-gateway): the same.
  if (const char* release = std::getenv("SIAO_RELEASE_BIN"); release && *release) {
    auto r = elf_facts(release);
    CHECK_MESSAGE(r.missing().empty(), release << " lacks: " << joined(r.missing()));
  }
}

TEST_CASE("hardening: every gateway source is compiled with the hardening flags - optimised - warnings as errors") {
  const fs::path build = fs::path(gateway_binary()).parent_path();
  const auto commands_file = build / "compile_commands.json";
  REQUIRE_MESSAGE(fs::exists(commands_file), commands_file << " is missing (CMAKE_EXPORT_COMPILE_COMMANDS)");
  rapidjson::Document commands;
  commands.Parse(read_text(commands_file).c_str());
  REQUIRE(commands.IsArray());
  const auto cache = read_text(build / "CMakeCache.txt");
  const bool werror = cache.find("SIAO_WERROR:BOOL=ON") != std::string::npos;
  const std::string source_dir = fs::weakly_canonical(SIAO_SOURCE_DIR).string();
  int units = 0;
  for (const auto& entry : commands.GetArray()) {
    const std::string file = entry["file"].GetString();
    const bool ours = file.rfind(source_dir + "/gateway/", 0) == 0 || file.rfind(source_dir + "/adapters/", 0) == 0;
    if (!ours) continue;
    ++units;
    const std::string command = entry.HasMember("command") ? entry["command"].GetString() : "";
    auto has = [&](const std::string& flag) { return command.find(" " + flag + " ") != std::string::npos; };
    CAPTURE(file);
    // net_impl.cpp holds no code of ours: it compiles Asio's and Beast's sources, not held to our warnings.
    const bool third_party = fs::path(file).filename() == "net_impl.cpp";
    CHECK(has("-fstack-protector-strong"));
    CHECK(has("-fstack-clash-protection"));
    CHECK(has("-D_FORTIFY_SOURCE=3"));
    CHECK_FALSE(has("-U_FORTIFY_SOURCE"));
    CHECK((has("-O1") || has("-O2") || has("-O3") || has("-Os")));  // FORTIFY does nothing at -O0
    CHECK((has("-fPIC") || has("-fPIE")));
    if (werror && !third_party) CHECK(has("-Werror"));
  }
  MESSAGE(units << " translation units of gateway/ and adapters/ checked; -Werror "
                << std::string(werror ? "on" : "off"));
  CHECK(units > 50);
  // What CI builds (scripts/test, the test preset) turns warnings into errors.
  const auto presets = read_text(fs::path(SIAO_SOURCE_DIR) / "CMakePresets.json");
  rapidjson::Document p;
  p.Parse(presets.c_str());
  REQUIRE_FALSE(p.HasParseError());
  bool test_preset_werror = false;
  for (const auto& preset : p["configurePresets"].GetArray())
    if (std::string(preset["name"].GetString()) == "test" && preset.HasMember("cacheVariables") &&
        preset["cacheVariables"].HasMember("SIAO_WERROR"))
      test_preset_werror = std::string(preset["cacheVariables"]["SIAO_WERROR"].GetString()) == "ON";
  CHECK(test_preset_werror);
}
