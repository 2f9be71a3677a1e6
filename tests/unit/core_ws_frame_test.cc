// Server WebSocket frames (core/ws_frame.h): the header at each length
// boundary (7-bit up to 125, 16-bit from 126 to 65535, 64-bit from 65536),
// the opcode and FIN bit, no mask, and the in-place encoding.

#include <gtest/gtest.h>

#include <string>

#include "core/ws_frame.h"

namespace aw::core {
namespace {

uint8_t Byte(const std::string& s, size_t i) { return static_cast<uint8_t>(s[i]); }

TEST(WsFrameTest, LengthsUpTo125FitTheFirstHeaderByte) {
  for (size_t n : {0, 1, 125}) {
    std::string f = WsFrame(std::string(n, 'a'));
    ASSERT_EQ(f.size(), 2 + n);
    EXPECT_EQ(Byte(f, 0), 0x81);  // FIN + text
    EXPECT_EQ(Byte(f, 1), n);     // mask bit clear
    EXPECT_EQ(WsHeaderSize(n), 2u);
  }
}

TEST(WsFrameTest, LengthsFrom126To65535TakeSixteenBits) {
  std::string f = WsFrame(std::string(126, 'a'));
  ASSERT_EQ(f.size(), 4u + 126);
  EXPECT_EQ(Byte(f, 1), 126);
  EXPECT_EQ(Byte(f, 2), 0x00);
  EXPECT_EQ(Byte(f, 3), 126);

  f = WsFrame(std::string(65535, 'a'));
  ASSERT_EQ(f.size(), 4u + 65535);
  EXPECT_EQ(Byte(f, 1), 126);
  EXPECT_EQ(Byte(f, 2), 0xFF);
  EXPECT_EQ(Byte(f, 3), 0xFF);
  EXPECT_EQ(f[4], 'a');
}

TEST(WsFrameTest, LengthsFrom65536TakeSixtyFourBitsInNetworkOrder) {
  std::string f = WsFrame(std::string(65536, 'a'));
  ASSERT_EQ(f.size(), 10u + 65536);
  EXPECT_EQ(Byte(f, 1), 127);
  const uint8_t want[8] = {0, 0, 0, 0, 0, 0x01, 0x00, 0x00};
  for (int i = 0; i < 8; ++i) EXPECT_EQ(Byte(f, 2 + i), want[i]) << i;
  EXPECT_EQ(f[10], 'a');
  EXPECT_EQ(WsHeaderSize(65536), 10u);
}

TEST(WsFrameTest, OpcodeIsTheLowNibbleWithFinSet) {
  EXPECT_EQ(Byte(WsFrame("x", WsOpcode::kText), 0), 0x81);
  EXPECT_EQ(Byte(WsFrame("x", WsOpcode::kBinary), 0), 0x82);
  EXPECT_EQ(Byte(WsFrame("", WsOpcode::kClose), 0), 0x88);
  EXPECT_EQ(Byte(WsFrame("", WsOpcode::kPong), 0), 0x8A);
}

TEST(WsFrameTest, InPlaceEncodingMatchesTheCopyAtEveryBoundary) {
  for (size_t n : {0, 125, 126, 65535, 65536}) {
    std::string payload(n, 'p');
    std::string buf(kWsMaxHeaderBytes, '\0');
    buf += payload;
    size_t offset = WsFrameInPlace(buf);
    EXPECT_EQ(offset, kWsMaxHeaderBytes - WsHeaderSize(n)) << n;
    EXPECT_EQ(buf.substr(offset), WsFrame(payload)) << n;
  }
}

TEST(WsFrameTest, ParsesWhatItEncodes) {
  for (size_t n : {0, 125, 126, 65535, 65536}) {
    std::string f = WsFrame(std::string(n, 'z'));
    auto h = ParseWsHeader(f);
    ASSERT_TRUE(h.has_value()) << n;
    EXPECT_TRUE(h->fin);
    EXPECT_FALSE(h->masked);
    EXPECT_EQ(h->opcode, WsOpcode::kText);
    EXPECT_EQ(h->header_size, WsHeaderSize(n));
    EXPECT_EQ(h->payload_size, n);
  }
  EXPECT_FALSE(ParseWsHeader(std::string("\x81", 1)).has_value());
  EXPECT_FALSE(ParseWsHeader(std::string("\x81\x7e\x01", 3)).has_value());  // 16-bit length cut short
}

}  // namespace
}  // namespace aw::core
