/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Work posted from other threads: a mutex-protected FIFO list plus an
 * eventfd in the loop's epoll set.  Only a post that finds the list empty
 * writes the eventfd, so a burst of posts costs one wake-up.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "loop_priv.h"

static void wake(struct loop *loop)
{
	uint64_t one = 1;

	/* EAGAIN means the counter is already non-zero: the loop will wake
	 * anyway. */
	while (write(loop->evfd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
}

int loop_post(struct loop *loop, loop_work_fn fn, void *arg)
{
	struct loop_post_item *it;
	bool was_empty;

	if (!fn)
		return -EINVAL;
	it = malloc(sizeof(*it));
	if (!it)
		return -ENOMEM;
	it->next = NULL;
	it->fn = fn;
	it->arg = arg;

	pthread_mutex_lock(&loop->post_lock);
	was_empty = !loop->post_head;
	if (was_empty)
		loop->post_head = it;
	else
		loop->post_tail->next = it;
	loop->post_tail = it;
	pthread_mutex_unlock(&loop->post_lock);

	/* A non-empty list has not been taken yet, and whoever made it
	 * non-empty has written (or is about to write) the eventfd. */
	if (was_empty)
		wake(loop);
	return 0;
}

static struct loop_post_item *take_all(struct loop *loop)
{
	struct loop_post_item *list;

	pthread_mutex_lock(&loop->post_lock);
	list = loop->post_head;
	loop->post_head = NULL;
	loop->post_tail = NULL;
	pthread_mutex_unlock(&loop->post_lock);
	return list;
}

void loop_posts_on_wake(int fd, unsigned int revents, void *arg)
{
	struct loop *loop = arg;
	struct loop_post_item *it, *next;
	uint64_t count;

	(void)revents;
	/* Reset the eventfd BEFORE taking the list: a post that lands after
	 * the take then finds the list empty and writes the eventfd again,
	 * so no work can be left behind with the loop asleep. */
	while (read(fd, &count, sizeof(count)) < 0 && errno == EINTR)
		;
	/* Work posted by the functions below goes to a fresh list and runs
	 * in the next iteration. */
	for (it = take_all(loop); it; it = next) {
		loop_work_fn fn = it->fn;
		void *work_arg = it->arg;

		next = it->next;
		free(it);
		loop->dispatched++;
		fn(work_arg);
	}
}

void loop_posts_release(struct loop *loop)
{
	struct loop_post_item *it, *next;
	size_t n = 0;

	for (it = take_all(loop); it; it = next) {
		next = it->next;
		free(it);
		n++;
	}
	if (n)
		log_msg(LOG_LVL_WARNING, "loop",
			"freed with %zu posted work item(s) not run", n);
}
