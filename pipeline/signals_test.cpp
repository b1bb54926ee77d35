#include "pipeline/signals.h"

#include <gtest/gtest.h>
