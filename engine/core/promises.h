#pragma once

#include <QFuture>
#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QPromise>
#include <QThreadPool>

#include <memory>
#include <type_traits>
#include <utility>

// The one place for QPromise/QFuture plumbing: a promise shared between the code that starts
// work and the callback that finishes it, futures that are already settled, blocking work
// handed to a pool or another object's thread, and continuations that must not outlive their
// receiver. Every subsystem used to write these by hand.
namespace rr::core::promises {

// A started promise that callbacks can hold by value; settle() finishes it once.
template<class T> std::shared_ptr<QPromise<T>> started()
{
    auto promise = std::make_shared<QPromise<T>>();
    promise->start();
    return promise;
}

// Hands `value` to whoever waits on `promise` and finishes it.
template<class T, class V> void settle(QPromise<T> &promise, V &&value)
{
    promise.addResult(T(std::forward<V>(value)));
    promise.finish();
}

template<class T, class V> void settle(const std::shared_ptr<QPromise<T>> &promise, V &&value)
{
    settle(*promise, std::forward<V>(value));
}

// A future that is already finished, for answers that need no waiting. Name T to convert.
template<class T> QFuture<T> ready(T value)
{
    QPromise<T> promise;
    promise.start();
    settle(promise, std::move(value));
    return promise.future();
}

// Runs the blocking `work()` on `pool` and hands its result back as a future.
template<class Fn> auto onPool(QThreadPool *pool, Fn work) -> QFuture<std::invoke_result_t<Fn &>>
{
    using T = std::invoke_result_t<Fn &>;
    auto promise = started<T>();
    QFuture<T> future = promise->future();
    pool->start([promise, work = std::move(work)]() mutable { settle(promise, work()); });
    return future;
}

// Runs `work()` on `context`'s thread (queued, even on the same thread) and hands its result
// back as a future. If the context is destroyed first, the future is cancelled.
template<class Fn> auto onThreadOf(QObject *context, Fn work) -> QFuture<std::invoke_result_t<Fn &>>
{
    using T = std::invoke_result_t<Fn &>;
    auto promise = started<T>();
    QFuture<T> future = promise->future();
    QMetaObject::invokeMethod(
        context, [promise, work = std::move(work)]() mutable { settle(promise, work()); },
        Qt::QueuedConnection);
    return future;
}

// Calls `fn(result)` on `receiver`'s thread once `future` finishes, unless the receiver is
// gone by then. Unlike QFuture::then(context, ...), whose Qt 6.4 version asserts when the
// context died first, owners may be destroyed with work in flight.
template<class T, class F> void whenFinished(QObject *receiver, QFuture<T> future, F fn)
{
    QPointer<QObject> guard(receiver);
    future.then([guard, fn = std::move(fn)](const T &result) {
        QObject *target = guard.data();
        if (!target)
            return;
        QMetaObject::invokeMethod(
            target,
            [guard, fn, result]() mutable {
                if (guard)
                    fn(result);
            },
            Qt::QueuedConnection);
    });
}

// whenFinished() for a handler that returns a value: the returned future has that value, or is
// cancelled when the receiver dies first.
template<class T, class Handler>
auto continueOn(QObject *receiver, const QFuture<T> &future, Handler handler)
    -> QFuture<std::invoke_result_t<Handler &, T &>>
{
    using R = std::invoke_result_t<Handler &, T &>;
    auto promise = started<R>();
    QFuture<R> out = promise->future();
    whenFinished(receiver, future, [promise, handler = std::move(handler)](const T &value) mutable {
        settle(promise, handler(value));
    });
    return out;
}

} // namespace rr::core::promises
