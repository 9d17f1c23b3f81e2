#include "agent/resident_pages.h"

#include <doctest/doctest.h>

#include <fstream>
#include <string>

using namespace sahab::agent;

namespace {

int g_written = 1;  // changed at run time: a private copy release_startup_pages must keep
const char kConstant[] = "read-only data of the test program";

long rss_file_kib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("RssFile:", 0) == 0) return std::stol(line.substr(8));
  }
  return -1;
}

}  // namespace

TEST_CASE("resident pages: startup pages are given back and everything still works") {
  g_written = 42;
  const std::string on_heap(100000, 'h');
  const long before = rss_file_kib();
  const long released = release_startup_pages();
  CHECK(released > 0);
  CHECK(rss_file_kib() < before);
  CHECK(g_written == 42);
  CHECK(std::string(kConstant) == "read-only data of the test program");
  CHECK(on_heap == std::string(100000, 'h'));
  CHECK(release_startup_pages() >= 0);  // again, with what the checks faulted back in
}
