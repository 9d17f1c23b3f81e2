#include "planner/xlsx_report.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "common/file.h"
#include "planner/message.h"
#include "unit/temp_dir.h"

using namespace sahab::planner;
using sahab::FileError;

namespace {

XlsxSheet empty_sheet(std::string name) {
  return {std::move(name), [](TableSink& t) { t.text("header").end(); }};
}

}  // namespace

TEST_CASE("xlsx: a sheet name Excel refuses is an error naming it, not a write through NULL") {
  sahab::testing::TempDir dir;
  for (const std::string& bad :
       {std::string(32, 'x'), std::string("a/b"), std::string("[a]"), std::string("a:b")}) {
    CAPTURE(bad);
    try {
      write_xlsx({empty_sheet(bad)}, "MAD", dir.path() / "bad.xlsx");
      FAIL("no error for a sheet named " << bad);
    } catch (const FileError& e) {
      CHECK(std::string(e.what()).find("'" + bad + "'") != std::string::npos);
    }
  }
  CHECK_THROWS_AS(
      write_xlsx({empty_sheet("same"), empty_sheet("same")}, "MAD", dir.path() / "twice.xlsx"),
      FileError);
}

TEST_CASE("xlsx: the steering report's sheet names are valid in every language") {
  // The collector names its steering workbook's sheets with these section titles
  // (collector/api/steering_report.cpp): each must fit Excel's 31 characters, UTF-8 or not.
  sahab::testing::TempDir dir;
  for (const auto language : {Language::kFrench, Language::kEnglish, Language::kArabic}) {
    std::vector<XlsxSheet> sheets;
    for (const char* key :
         {"summary", "by_region", "by_province", "by_commune", "waves_in_flight", "regressions"}) {
      sheets.push_back(empty_sheet(words(say(std::string("steering.") + key), language)));
    }
    CAPTURE(code(language));
    CHECK_NOTHROW(write_xlsx(sheets, "MAD", dir.path() / "steering.xlsx"));
  }
}
