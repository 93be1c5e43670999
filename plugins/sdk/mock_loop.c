/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mock's loop: fd watches (fired by the test) and the queue of work
 * posted from any thread.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "mock_priv.h"

/* ---- fd watches ----------------------------------------------------- */

static struct mock_fd *find_fd(const struct lwb_mock *mock, int fd)
{
	for (size_t i = 0; i < mock->n_fds; i++)
		if (mock->fds[i].fd == fd)
			return &mock->fds[i];
	return NULL;
}

#define WATCHABLE (LWB_FD_READ | LWB_FD_WRITE | LWB_FD_ERROR | LWB_FD_HANGUP)

int mock_fd_watch(struct lwb_host *host, int fd, unsigned int events,
		  lwb_fd_fn cb, void *arg)
{
	struct lwb_mock *mock = mock_of(host);
	struct mock_fd *w;
	int err;

	mock_check_thread(mock, "fd_watch");
	if (mock_should_fail(mock, "fd_watch", &err))
		return err;
	if (fd < 0 || !cb || (events & ~WATCHABLE)) {
		mock_misuse(mock, "fd_watch(%d, %#x, %s)", fd, events,
			    cb ? "cb" : "NULL");
		return -EINVAL;
	}
	if (find_fd(mock, fd))
		return -EEXIST;
	w = mock_grow(&mock->fds, &mock->n_fds, sizeof(*mock->fds));
	if (!w)
		return -ENOMEM;
	w->fd = fd;
	w->events = events;
	w->cb = cb;
	w->arg = arg;
	return 0;
}

int mock_fd_modify(struct lwb_host *host, int fd, unsigned int events)
{
	struct lwb_mock *mock = mock_of(host);
	struct mock_fd *w;
	int err;

	mock_check_thread(mock, "fd_modify");
	if (mock_should_fail(mock, "fd_modify", &err))
		return err;
	if (events & ~WATCHABLE)
		return -EINVAL;
	w = find_fd(mock, fd);
	if (!w)
		return -ENOENT;
	w->events = events;
	return 0;
}

int mock_fd_unwatch(struct lwb_host *host, int fd)
{
	struct lwb_mock *mock = mock_of(host);
	struct mock_fd *w;
	int err;

	mock_check_thread(mock, "fd_unwatch");
	if (mock_should_fail(mock, "fd_unwatch", &err))
		return err;
	w = find_fd(mock, fd);
	if (!w)
		return -ENOENT;
	*w = mock->fds[--mock->n_fds];
	return 0;
}

int lwb_mock_fire_fd(struct lwb_mock *mock, int fd, unsigned int revents)
{
	const struct mock_fd *w = find_fd(mock, fd);
	lwb_fd_fn cb;
	void *arg;

	if (!w)
		return -ENOENT;
	/* Copied first: the callback may unwatch (and so move) its entry. */
	cb = w->cb;
	arg = w->arg;
	cb(fd, revents, arg);
	return 0;
}

unsigned int lwb_mock_fd_events(const struct lwb_mock *mock, int fd)
{
	const struct mock_fd *w = find_fd(mock, fd);

	return w ? w->events : 0;
}

/* ---- posted work ---------------------------------------------------- */

int mock_post(struct lwb_host *host, lwb_work_fn fn, void *arg)
{
	struct lwb_mock *mock = mock_of(host);
	struct mock_work *w;
	int err = 0;

	if (!fn)
		return -EINVAL;
	if (mock_should_fail(mock, "post", &err))
		return err;
	w = malloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->next = NULL;
	w->fn = fn;
	w->arg = arg;
	pthread_mutex_lock(&mock->post_lock);
	if (mock->work_tail)
		mock->work_tail->next = w;
	else
		mock->work_head = w;
	mock->work_tail = w;
	pthread_mutex_unlock(&mock->post_lock);
	return 0;
}

int lwb_mock_run_posted(struct lwb_mock *mock)
{
	struct mock_work *w, *next;
	int n = 0;

	/* Take the queue as it is: work posted while it runs waits for the
	 * next call, as on the daemon's loop. */
	pthread_mutex_lock(&mock->post_lock);
	w = mock->work_head;
	mock->work_head = mock->work_tail = NULL;
	pthread_mutex_unlock(&mock->post_lock);
	for (; w; w = next) {
		next = w->next;
		w->fn(w->arg);
		free(w);
		n++;
	}
	return n;
}

size_t lwb_mock_posted_count(struct lwb_mock *mock)
{
	size_t n = 0;

	pthread_mutex_lock(&mock->post_lock);
	for (const struct mock_work *w = mock->work_head; w; w = w->next)
		n++;
	pthread_mutex_unlock(&mock->post_lock);
	return n;
}

void mock_drop_posted(struct lwb_mock *mock)
{
	struct mock_work *w, *next;

	pthread_mutex_lock(&mock->post_lock);
	w = mock->work_head;
	mock->work_head = mock->work_tail = NULL;
	pthread_mutex_unlock(&mock->post_lock);
	for (; w; w = next) {
		next = w->next;
		free(w);
	}
}
