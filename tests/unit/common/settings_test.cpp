#include "common/settings.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

using namespace sahab::settings;

namespace {

struct Fixture {
  std::string name = "default";
  int count = 1;
  bool flag = false;
  std::map<std::string, std::string> labels;
  Schema schema{"prog", "A test program.", "1.2.3"};

  Fixture() {
    schema.add({"name", "section.name", "a name", "default", Kind::kValue,
                [this](const std::string& v, const std::string&) { name = v; }});
    schema.add({"count", "count", "a count", "1", Kind::kValue,
                [this](const std::string& v, const std::string&) {
                  count = static_cast<int>(parse_integer(v, 1, 10));
                }});
    schema.add({"flag", "flag", "a switch", "off", Kind::kSwitch,
                [this](const std::string& v, const std::string&) { flag = parse_bool(v); }});
    schema.add({"label", "labels", "labels", "", Kind::kKeyValue,
                [this](const std::string& k, const std::string& v) { labels[k] = v; }});
  }

  Outcome parse(std::vector<const char*> args) {
    args.insert(args.begin(), "prog");
    std::ostringstream out;
    return schema.parse(static_cast<int>(args.size()), args.data(), out);
  }
};

std::string temp_yaml(const std::string& content) {
  char path[] = "/tmp/sahab-settings-XXXXXX";
  const int fd = mkstemp(path);
  close(fd);
  std::ofstream(path) << content;
  return path;
}

std::string error_of(Fixture& f, std::vector<const char*> args) {
  try {
    f.parse(std::move(args));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("settings: flags override the file") {
  Fixture f;
  const auto file =
      temp_yaml("section:\n  name: from-file\ncount: 3\nlabels:\n  region: Souss-Massa\n");
  CHECK(f.parse({"--config", file.c_str(), "--count", "5", "--label", "commune=Agadir"}) ==
        Outcome::kRun);
  CHECK(f.name == "from-file");
  CHECK(f.count == 5);
  CHECK(f.labels["region"] == "Souss-Massa");
  CHECK(f.labels["commune"] == "Agadir");
}

TEST_CASE("settings: switches and their negation") {
  Fixture f;
  f.parse({"--flag"});
  CHECK(f.flag);
  Fixture g;
  CHECK(error_of(g, {"--flag", "--no-flag"}).find("both") != std::string::npos);
}

TEST_CASE("settings: errors name the file, the line and the key") {
  Fixture f;
  const auto unknown = temp_yaml("count: 2\nsection:\n  nmae: x\n");
  const auto msg = error_of(f, {"--config", unknown.c_str()});
  CHECK(msg.find(unknown + ":3") != std::string::npos);
  CHECK(msg.find("section.nmae") != std::string::npos);

  const auto bad_value = temp_yaml("\ncount: 99\n");
  const auto msg2 = error_of(f, {"--config", bad_value.c_str()});
  CHECK(msg2.find(bad_value + ":2") != std::string::npos);
  CHECK(msg2.find("'count'") != std::string::npos);

  const auto bad_yaml = temp_yaml("count: [1\n");
  CHECK(error_of(f, {"--config", bad_yaml.c_str()}).find("not valid YAML") != std::string::npos);
  CHECK(error_of(f, {"--config", "/nonexistent/sahab.yaml"}).find("cannot read") !=
        std::string::npos);
}

TEST_CASE("settings: unknown and malformed flags are errors") {
  Fixture f;
  CHECK(error_of(f, {"--bogus"}).find("bogus") != std::string::npos);
  CHECK(error_of(f, {"--label", "novalue"}).find("KEY=VALUE") != std::string::npos);
  CHECK(error_of(f, {"--count", "abc"}).find("--count") != std::string::npos);
}

TEST_CASE("settings: --help alone lists every flag with its built-in default, and says so") {
  Fixture f;
  std::ostringstream out;
  const char* args[] = {"prog", "--help"};
  CHECK(f.schema.parse(2, args, out) == Outcome::kHelpShown);
  CHECK(out.str().find("--count VALUE") != std::string::npos);
  CHECK(out.str().find("(default: 1)") != std::string::npos);
  CHECK(out.str().find("--[no-]flag") != std::string::npos);
  CHECK(out.str().find("Defaults shown are the built-in ones") != std::string::npos);
  CHECK(out.str().find("set:") == std::string::npos);
}

TEST_CASE("settings: --config FILE --help shows the values the file and the flags set") {
  Fixture f;
  f.schema.add({"proxy", "proxy", "a proxy URL", "none", Kind::kValue,
                [](const std::string&, const std::string&) {}});
  f.schema.add({"user", "users", "users", "none", Kind::kList,
                [](const std::string&, const std::string&) {}});
  const auto file = temp_yaml(
      "count: 3\nsection:\n  name: from-file\nproxy: http://joe:s3cret@proxy:3128/\n"
      "users: [a:hash1, b:hash2]\nlabels: {region: Souss}\n");
  std::ostringstream out;
  const char* args[] = {"prog", "--config", file.c_str(), "--count", "4", "--help"};
  CHECK(f.schema.parse(6, args, out) == Outcome::kHelpShown);
  const std::string help = out.str();
  CAPTURE(help);
  CHECK(help.find("a count (set: 4; default: 1)") != std::string::npos);  // the flag wins
  CHECK(help.find("a name (set: from-file; default: default)") != std::string::npos);
  CHECK(help.find("a switch (default: off)") != std::string::npos);  // untouched
  CHECK(help.find("labels (set: region=Souss)") != std::string::npos);
  CHECK(help.find("(set: http://***@proxy:3128/; default: none)") != std::string::npos);
  CHECK(help.find("s3cret") == std::string::npos);
  CHECK(help.find("users (set: 2 entries; default: none)") != std::string::npos);
  CHECK(help.find("hash1") == std::string::npos);
  CHECK(help.find("Values after 'set:' come from --config") != std::string::npos);
  // A broken file is an error with --help too, rather than a help that hides it.
  const auto bad = temp_yaml("count: 99\n");
  const char* bad_args[] = {"prog", "--config", bad.c_str(), "--help"};
  std::ostringstream ignored;
  CHECK_THROWS_AS(Fixture().schema.parse(4, bad_args, ignored), ConfigError);
  std::remove(file.c_str());
  std::remove(bad.c_str());
}

TEST_CASE("settings: sizes with binary suffixes") {
  CHECK(parse_size("64MiB") == 64ull << 20);
  CHECK(parse_size("1048576") == 1048576ull);
  CHECK(parse_size("2GiB") == 2ull << 30);
  CHECK(parse_size("10B") == 10ull);
  CHECK_THROWS_AS(parse_size("64MB"), BadValue);
  CHECK_THROWS_AS(parse_size("MiB"), BadValue);
  CHECK_THROWS_AS(parse_size("-1KiB"), BadValue);
}
