#pragma once
// XML read by expat as it streams (a part of an .xlsx workbook, an OCS or GLPI inventory): the
// caller feeds chunks, a Handler sees elements and text with their namespace prefixes dropped.
// Bounded: elements nest at most kMaxDepth deep; expat itself refuses entity expansion attacks
// and never fetches external entities.
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sahab::collector::xml {

inline constexpr std::size_t kMaxDepth = 64;

class Error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// What a reader does on each event (names without prefix). Exceptions thrown here stop the parse
// and are rethrown by Parser::feed: they never cross expat's C frames.
class Handler {
 public:
  virtual ~Handler() = default;
  // `attributes` is expat's {name, value, ..., nullptr} list.
  virtual void start(std::string_view name, const char** attributes) = 0;
  virtual void end(std::string_view name) = 0;
  virtual void text(std::string_view) {}
};

class Parser {
 public:
  // `what` names the document in messages ("workbook part 'xl/workbook.xml'").
  Parser(std::string what, Handler& handler);
  ~Parser();
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  // Parses the next chunk (`last` on the final one, which may be empty). Throws Error when the
  // text is not well-formed XML or nests too deep, or what the handler threw.
  void feed(std::string_view chunk, bool last);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Parses all of `document` at once.
void parse(std::string what, std::string_view document, Handler& handler);

// The value of attribute `name` (prefix ignored) in expat's attribute list, or nullptr.
const char* attribute(const char** attributes, std::string_view name);

}  // namespace sahab::collector::xml
