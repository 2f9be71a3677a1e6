// AWS Systems Manager's answers (clients/ssm_client.h): SendCommand,
// GetCommandInvocation, and error answers (JSON or XML) as a Status.
//
// Input: byte 0 chooses the answer and its HTTP status (errors), the rest
// is the body.
// Invariants: nothing throws; an error is never OK; a message is at most
// 600 bytes and, when the body was valid UTF-8, valid UTF-8 itself (it is
// stored with the execution and answered as JSON).

#include <cstddef>
#include <cstdint>
#include <string>

#include "clients/ssm_client.h"
#include "fuzz_util.h"

namespace clients = aw::clients;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::string body(aw::fuzz::AsText(data + 1, size - 1));
  const bool utf8 = aw::fuzz::IsUtf8(body);
  switch (data[0] % 3) {
    case 0: {
      auto id = clients::ParseSendCommandResponse(body);
      if (id.ok()) FUZZ_CHECK(!utf8 || aw::fuzz::IsUtf8(*id), "CommandId");
      break;
    }
    case 1: {
      auto inv = clients::ParseGetCommandInvocationResponse(body);
      if (inv.ok()) (void)clients::IsTerminalSsmStatus(inv->status);
      break;
    }
    default: {
      static const int kStatuses[] = {400, 403, 404, 429, 500, 503};
      clients::HttpResponse resp;
      resp.status = kStatuses[(data[0] / 3) % 6];
      resp.body = body;
      if (data[0] & 0x80) resp.headers.emplace_back("x-amzn-ErrorType", body.substr(0, 64));
      aw::Status s = clients::StatusFromAwsError("GetCommandInvocation", resp);
      FUZZ_CHECK(!s.ok(), "an error answer read as OK");
      FUZZ_CHECK(s.message().size() <= 600, "message of " + std::to_string(s.message().size()) + " bytes");
      FUZZ_CHECK(!utf8 || aw::fuzz::IsUtf8(s.message()), "invalid UTF-8 in: " + s.message());
      break;
    }
  }
  return 0;
}
