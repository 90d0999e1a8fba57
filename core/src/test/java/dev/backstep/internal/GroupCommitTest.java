package dev.backstep.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Appenders that write while a force runs share the next force; none returns before its bytes are forced. */
class GroupCommitTest {
    @TempDir
    Path tmp;

    @Test
    void sevenAppendersWritingDuringAForceShareOneForceAndNoneReturnsBeforeIt() throws Exception {
        try (CountingChannel ch = new CountingChannel(FileChannel.open(tmp.resolve("f"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, StandardOpenOption.READ))) {
            GroupCommit commit = new GroupCommit(ch, 0);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                commit.wrote(10);
                Future<?> first = pool.submit(() -> {
                    commit.awaitDurable(10);
                    return null;
                });
                assertThat(ch.forceEntered.await(60, TimeUnit.SECONDS)).isTrue(); // the first force is running
                List<Future<?>> others = new ArrayList<>();
                AtomicInteger returned = new AtomicInteger();
                for (int i = 1; i <= 7; i++) {
                    long end = 10 + i * 10L;
                    commit.wrote(end);
                    others.add(pool.submit(() -> {
                        commit.awaitDurable(end);
                        returned.incrementAndGet();
                        return null;
                    }));
                }
                Thread.sleep(200);
                assertThat(returned).hasValue(0); // their bytes were written after the running force began
                ch.release.countDown();
                first.get(60, TimeUnit.SECONDS);
                for (Future<?> f : others) {
                    f.get(60, TimeUnit.SECONDS);
                }
                assertThat(returned).hasValue(7);
                assertThat(ch.forces).hasValue(2); // one running, one shared by the seven
            } finally {
                ch.release.countDown();
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aLoneAppenderForcesOncePerAppend() throws Exception {
        try (CountingChannel ch = new CountingChannel(FileChannel.open(tmp.resolve("f"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, StandardOpenOption.READ))) {
            ch.release.countDown();
            GroupCommit commit = new GroupCommit(ch, 0);
            for (int i = 1; i <= 5; i++) {
                commit.wrote(i * 10L);
                commit.awaitDurable(i * 10L);
            }
            assertThat(ch.forces).hasValue(5);
            commit.awaitDurable(50); // already durable: no force
            assertThat(ch.forces).hasValue(5);
        }
    }

    @Test
    void afterAFailedForceEveryLaterAppendFails() throws Exception {
        try (CountingChannel ch = new CountingChannel(FileChannel.open(tmp.resolve("f"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, StandardOpenOption.READ))) {
            ch.release.countDown();
            ch.fail = true;
            GroupCommit commit = new GroupCommit(ch, 0);
            commit.wrote(10);
            assertThatThrownBy(() -> commit.awaitDurable(10)).isInstanceOf(IOException.class).hasMessageContaining("disk");
            ch.fail = false;
            commit.wrote(20);
            assertThatThrownBy(() -> commit.awaitDurable(20)).isInstanceOf(IOException.class)
                    .hasMessageContaining("an earlier force of this file failed");
            assertThat(ch.forces).hasValue(1);
        }
    }

    /** A real file channel whose force is counted, can be held on a latch, or fail. */
    private static final class CountingChannel extends FileChannel {
        final FileChannel delegate;
        final AtomicInteger forces = new AtomicInteger();
        final CountDownLatch forceEntered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean fail;

        CountingChannel(FileChannel delegate) {
            this.delegate = delegate;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            forces.incrementAndGet();
            forceEntered.countDown();
            try {
                if (!release.await(60, TimeUnit.SECONDS)) {
                    throw new IOException("test latch timed out");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            if (fail) {
                throw new IOException("disk gone");
            }
            delegate.force(metaData);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return delegate.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return delegate.read(dsts, offset, length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return delegate.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return delegate.write(srcs, offset, length);
        }

        @Override
        public long position() throws IOException {
            return delegate.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            delegate.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return delegate.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            delegate.truncate(size);
            return this;
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return delegate.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            return delegate.transferFrom(src, position, count);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return delegate.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return delegate.write(src, position);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return delegate.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return delegate.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return delegate.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            delegate.close();
        }
    }
}
