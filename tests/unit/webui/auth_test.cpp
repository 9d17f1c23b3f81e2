#include "collector/auth/auth.h"

#include <doctest/doctest.h>

#include <sstream>

#include "collector/auth/login_body.h"
#include "collector/auth/password.h"
#include "collector/auth/sessions.h"
#include "common/bounded_json.h"

using namespace sahab;
using namespace sahab::collector::auth;

TEST_CASE("scrypt password hashes verify the right password only") {
  const auto hash = hash_password("correct horse battery");
  CHECK(hash.starts_with("scrypt$15$8$1$"));
  CHECK(verify_password("correct horse battery", hash));
  CHECK_FALSE(verify_password("correct horse batterY", hash));
  CHECK_FALSE(verify_password("", hash));
  CHECK(hash_password("correct horse battery") != hash);  // a fresh salt each time
}

TEST_CASE("malformed or hostile hashes never verify") {
  const auto hash = hash_password("password1");
  for (const std::string& bad :
       {std::string(""), std::string("scrypt"), hash.substr(0, hash.size() - 1),
        "bcrypt" + hash.substr(6), std::string("scrypt$40$8$1$salt$") + std::string(64, '0'),
        std::string("scrypt$15$8$99$salt$") + std::string(64, '0'),
        std::string("scrypt$15$8$1$$") + std::string(64, '0'), std::string("scrypt$x$8$1$s$h")}) {
    CAPTURE(bad);
    CHECK_FALSE(verify_password("password1", bad));
  }
}

TEST_CASE("the sign-in body is {user, password} strings of bounded size") {
  const auto body = parse_login_body(R"({"user": "ada", "password": "pw", "extra": 1})");
  REQUIRE(body);
  CHECK(body->user == "ada");
  CHECK(body->password == "pw");
  CHECK(parse_login_body(R"({"user": "", "password": ""})"));
  // JSON, but not the expected shape: nullopt (a 400).
  for (const std::string& bad :
       {std::string("[]"), std::string("\"ada\""), std::string("null"),
        std::string(R"({"user": "ada"})"), std::string(R"({"user": 1, "password": "pw"})"),
        std::string(R"({"user": "ada", "password": null})"),
        R"({"user": ")" + std::string(kMaxUserBytes + 1, 'u') + R"(", "password": "pw"})",
        R"({"user": "ada", "password": ")" + std::string(kMaxPasswordBytes + 1, 'p') + R"("})"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_login_body(bad));
  }
  CHECK(parse_login_body(R"({"user": ")" + std::string(kMaxUserBytes, 'u') + R"(", "password": ")" +
                         std::string(kMaxPasswordBytes, 'p') + R"("})"));
  // Not JSON, or over the small-document limits: bounded_json::Error (also a 400).
  CHECK_THROWS_AS(parse_login_body(""), bounded_json::Error);
  CHECK_THROWS_AS(parse_login_body(R"({"user": "ada", "password": )"), bounded_json::Error);
  CHECK_THROWS_AS(parse_login_body(R"({"user": "ada", "password": "pw", "x": )" +
                                   std::string(100, '[') + std::string(100, ']') + "}"),
                  bounded_json::Error);
}

TEST_CASE("users are NAME:ROLE:HASH") {
  const auto users = parse_users({"vera:viewer:scrypt$15$8$1$a$b", "ada:admin:scrypt$x"});
  REQUIRE(users.size() == 2);
  CHECK(users[0].name == "vera");
  CHECK(users[0].role == Role::kViewer);
  CHECK(users[1].role == Role::kAdmin);
  CHECK_THROWS_AS(parse_users({"vera:root:scrypt$x"}), std::invalid_argument);
  CHECK_THROWS_AS(parse_users({"vera:viewer"}), std::invalid_argument);
  CHECK_THROWS_AS(parse_users({"vera:viewer:plaintext"}), std::invalid_argument);
  CHECK_THROWS_AS(parse_users({":viewer:scrypt$x"}), std::invalid_argument);
}

TEST_CASE("cookies are read by exact name") {
  http::Request r;
  r.headers["cookie"] = "a=1; sahab_session=abc; sahab_session_x=zzz";
  CHECK(cookie(r, "sahab_session") == "abc");
  CHECK(cookie(r, "a") == "1");
  CHECK_FALSE(cookie(r, "sahab"));
  r.headers.clear();
  CHECK_FALSE(cookie(r, "a"));
}

TEST_CASE("hash-password reads stdin and refuses short passwords") {
  std::istringstream good("a long enough password\n"), bad("short\n");
  std::ostringstream out, err;
  CHECK(hash_password_command(good, out, err) == 0);
  CHECK(verify_password("a long enough password", out.str().substr(0, out.str().size() - 1)));
  CHECK(hash_password_command(bad, out, err) == 2);
  CHECK(err.str().find("8 to 1024") != std::string::npos);
}
