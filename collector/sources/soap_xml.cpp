#include "collector/sources/soap_xml.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <climits>
#include <memory>

namespace sahab::collector::vsphere {
namespace {

constexpr const char* kSoapNamespace = "http://schemas.xmlsoap.org/soap/envelope/";
constexpr const char* kSchemaInstance = "http://www.w3.org/2001/XMLSchema-instance";

std::string local_part(std::string_view qualified) {
  const auto colon = qualified.find(':');
  return std::string(colon == std::string_view::npos ? qualified : qualified.substr(colon + 1));
}

std::string attribute(xmlNode* node, const char* name, const char* ns) {
  xmlChar* value = ns ? xmlGetNsProp(node, reinterpret_cast<const xmlChar*>(name),
                                     reinterpret_cast<const xmlChar*>(ns))
                      : xmlGetNoNsProp(node, reinterpret_cast<const xmlChar*>(name));
  if (!value) return "";
  std::string out(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return out;
}

bool is_named(xmlNode* node, const char* name, const char* ns) {
  return node && node->type == XML_ELEMENT_NODE &&
         xmlStrEqual(node->name, reinterpret_cast<const xmlChar*>(name)) && node->ns &&
         xmlStrEqual(node->ns->href, reinterpret_cast<const xmlChar*>(ns));
}

xmlNode* first_element(xmlNode* node) {
  for (; node; node = node->next)
    if (node->type == XML_ELEMENT_NODE) return node;
  return nullptr;
}

XmlNode to_tree(xmlNode* node, std::size_t depth) {
  if (depth > kMaxSoapDepth) {
    throw SoapError("answer nested deeper than " + std::to_string(kMaxSoapDepth) + " elements");
  }
  XmlNode out;
  out.name = reinterpret_cast<const char*>(node->name);
  out.type = local_part(attribute(node, "type", kSchemaInstance));
  out.moref = attribute(node, "type", nullptr);
  for (xmlNode* child = node->children; child; child = child->next) {
    if (child->type == XML_ELEMENT_NODE) {
      out.children.push_back(to_tree(child, depth + 1));
    } else if ((child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE) &&
               child->content) {
      out.text += reinterpret_cast<const char*>(child->content);
    }
  }
  if (!out.children.empty()) out.text.clear();
  return out;
}

}  // namespace

const XmlNode* XmlNode::find(std::string_view child) const {
  for (const auto& c : children)
    if (c.name == child) return &c;
  return nullptr;
}

std::string XmlNode::text_of(std::string_view child) const {
  const XmlNode* c = find(child);
  return c ? c->text : std::string();
}

XmlNode parse_soap_body(std::string_view xml) {
  if (xml.size() > INT_MAX) throw SoapError("answer too large");
  // No network, no entity substitution, no DTD: the answer is data, never instructions.
  std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc(
      xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "soap.xml", nullptr,
                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
      xmlFreeDoc);
  if (!doc) throw SoapError("answer is not XML");
  xmlNode* envelope = xmlDocGetRootElement(doc.get());
  if (!is_named(envelope, "Envelope", kSoapNamespace)) throw SoapError("answer is not SOAP");
  xmlNode* body = first_element(envelope->children);
  while (body && !is_named(body, "Body", kSoapNamespace)) body = first_element(body->next);
  if (!body) throw SoapError("SOAP answer without Body");
  xmlNode* content = first_element(body->children);
  if (!content) throw SoapError("SOAP Body is empty");
  XmlNode tree = to_tree(content, 2);
  if (is_named(content, "Fault", kSoapNamespace)) {
    const XmlNode* detail = tree.find("detail");
    std::string type = detail && !detail->children.empty() ? detail->children.front().type : "";
    if (type.empty() && detail && !detail->children.empty()) type = detail->children.front().name;
    if (type.ends_with("Fault") && type.size() > 5) type.resize(type.size() - 5);
    const std::string message = tree.text_of("faultstring");
    throw SoapFault(type, message.empty() ? "SOAP fault " + type : message.substr(0, 300));
  }
  return tree;
}

}  // namespace sahab::collector::vsphere
