#pragma once
// Zip archives written by libzip for import tests: workbooks and CSV or inventory sets made for
// the cases no real file shows.
#include <doctest/doctest.h>
#include <zip.h>

#include <map>
#include <string>

#include "common/file.h"
#include "tests/unit/temp_dir.h"

namespace sahab::testing {

// A zip of `parts` (path -> bytes).
inline std::string zip_of(const std::map<std::string, std::string>& parts) {
  TempDir dir;
  const auto path = (dir.path() / "archive.zip").string();
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  REQUIRE(zip);
  for (const auto& [name, bytes] : parts) {
    zip_source_t* source = zip_source_buffer(zip, bytes.data(), bytes.size(), 0);
    REQUIRE(zip_file_add(zip, name.c_str(), source, ZIP_FL_OVERWRITE) >= 0);
  }
  REQUIRE(zip_close(zip) == 0);
  return read_file(path);
}

}  // namespace sahab::testing
