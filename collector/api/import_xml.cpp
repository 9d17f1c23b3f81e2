#include "collector/api/import_xml.h"

#include <expat.h>

#include <climits>
#include <exception>

namespace sahab::collector::xml {
namespace {

// Element and attribute names without their namespace prefix: writers may use "x:row".
std::string_view local_name(const char* name) {
  const std::string_view n(name);
  const auto colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

}  // namespace

struct Parser::State {
  std::string what;
  Handler* handler;
  std::unique_ptr<XML_ParserStruct, void (*)(XML_Parser)> parser{nullptr, XML_ParserFree};
  std::exception_ptr error;
  std::size_t depth = 0;

  // Runs one handler event from an expat callback; the first exception stops the parser and is
  // kept for feed() to rethrow.
  template <class Call>
  static void guarded(void* data, Call&& call) {
    auto* state = static_cast<State*>(data);
    try {
      call(*state);
    } catch (...) {
      state->error = std::current_exception();
      XML_StopParser(state->parser.get(), XML_FALSE);
    }
  }
};

Parser::Parser(std::string what, Handler& handler) : state_(std::make_unique<State>()) {
  state_->what = std::move(what);
  state_->handler = &handler;
  state_->parser.reset(XML_ParserCreate("UTF-8"));
  if (!state_->parser) throw std::bad_alloc();
  XML_Parser p = state_->parser.get();
  XML_SetUserData(p, state_.get());
  XML_SetElementHandler(
      p,
      [](void* data, const XML_Char* element, const XML_Char** attributes) {
        State::guarded(data, [&](State& s) {
          if (++s.depth > kMaxDepth) {
            throw Error(s.what + " nests elements more than " + std::to_string(kMaxDepth) +
                        " deep");
          }
          s.handler->start(local_name(element), attributes);
        });
      },
      [](void* data, const XML_Char* element) {
        State::guarded(data, [&](State& s) {
          --s.depth;
          s.handler->end(local_name(element));
        });
      });
  XML_SetCharacterDataHandler(p, [](void* data, const XML_Char* s, int length) {
    State::guarded(data, [&](State& st) {
      st.handler->text({s, static_cast<std::size_t>(length)});
    });
  });
}

Parser::~Parser() = default;

void Parser::feed(std::string_view chunk, bool last) {
  XML_Parser p = state_->parser.get();
  // expat takes an int length: a larger chunk goes in pieces.
  while (chunk.size() > INT_MAX / 2) {
    feed(chunk.substr(0, INT_MAX / 2), false);
    chunk.remove_prefix(INT_MAX / 2);
  }
  const auto status = XML_Parse(p, chunk.data(), static_cast<int>(chunk.size()), last);
  if (state_->error) std::rethrow_exception(state_->error);
  if (status != XML_STATUS_OK) {
    throw Error(state_->what + " is not valid XML: " + XML_ErrorString(XML_GetErrorCode(p)) +
                " at line " + std::to_string(XML_GetCurrentLineNumber(p)));
  }
}

void parse(std::string what, std::string_view document, Handler& handler) {
  Parser parser(std::move(what), handler);
  parser.feed(document, true);
}

const char* attribute(const char** attributes, std::string_view name) {
  for (; *attributes; attributes += 2)
    if (local_name(attributes[0]) == name) return attributes[1];
  return nullptr;
}

}  // namespace sahab::collector::xml
