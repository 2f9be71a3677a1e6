#include "base/status.h"

#include <gtest/gtest.h>

namespace aw {
namespace {

TEST(StatusTest, OkAndErrors) {
  Status ok;
  EXPECT_TRUE(ok.ok());
  Status nf = Status::NotFound("x");
  EXPECT_FALSE(nf.ok());
  EXPECT_TRUE(nf.IsNotFound());
  EXPECT_EQ(nf.ToString(), "NotFound: x");
  Result<int> r(5);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 5);
  Result<int> e(Status::Internal("boom"));
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), Code::kInternal);
}

}  // namespace
}  // namespace aw
