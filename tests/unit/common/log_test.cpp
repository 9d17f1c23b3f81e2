#include "common/log.h"

#include <doctest/doctest.h>

using sahab::log::quoted;

TEST_CASE("log: values are logfmt-quoted, so outside text cannot forge keys or lines") {
  CHECK(quoted("plain") == "\"plain\"");
  CHECK(quoted("user 'x\" level=error msg=\"forged'") ==
        "\"user 'x\\\" level=error msg=\\\"forged'\"");
  CHECK(quoted("a\nts=0 level=error") == "\"a\\nts=0 level=error\"");
  CHECK(quoted("back\\slash\ttab\rcr") == "\"back\\\\slash\\ttab\\rcr\"");
  CHECK(quoted(std::string("nul\0bell\x07", 9)) == "\"nul\\x00bell\\x07\"");
  CHECK(quoted("Berrechid \xd8\xa8") == "\"Berrechid \xd8\xa8\"");  // UTF-8 kept as is
}
