// Conan's test_package: the umbrella header compiles and llhttp links through stampede::stampede.
#include <stampede/stampede.hpp>

#include <fmt/format.h>
#include <llhttp.h>

#include <cstring>

int main() {
  llhttp_settings_t settings;
  llhttp_settings_init(&settings);
  llhttp_t parser;
  llhttp_init(&parser, HTTP_RESPONSE, &settings);
  const char* response = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  const bool ok = llhttp_execute(&parser, response, std::strlen(response)) == HPE_OK &&
                  llhttp_get_status_code(&parser) == 200;
  fmt::print("stampede {}: {}\n", stampede::version_string, ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
