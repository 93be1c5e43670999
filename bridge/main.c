/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "log.h"

int main(void)
{
	log_info("placeholder");
	return 0;
}
