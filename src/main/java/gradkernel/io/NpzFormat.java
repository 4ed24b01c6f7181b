package gradkernel.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Reader and writer of NumPy's {@code .npz}: a zip archive (stored or deflated) of {@code .npy}
 * members, as written by {@code numpy.savez} / {@code savez_compressed}. Arrays are named after
 * their member without the {@code .npy} suffix, in archive order.
 *
 * <p>Reading streams members, never inflating one whole: each member's {@code .npy} header is read
 * first, and exactly the data it promises is inflated straight into the float array. A member
 * whose inflated size (in the zip directory, or as it inflates) disagrees with its header is
 * rejected, as is an archive whose headers together promise more than a budget (by default 70% of
 * the heap) — so a small archive cannot make the reader allocate gigabytes.
 *
 * <p>Writing stores members uncompressed ({@code numpy.savez}'s layout, which {@code numpy.load}
 * reads) and puts the metadata, when there is any, in the archive comment as
 * {@value #COMMENT_PREFIX} followed by a JSON object of strings (numpy ignores the comment).
 */
public final class NpzFormat {
  /** Starts the archive comment that carries metadata. */
  public static final String COMMENT_PREFIX = "gradkernel-metadata ";

  private NpzFormat() {}

  /** 70% of the maximum heap: the default bound on the data bytes an archive may promise. */
  static long defaultBudget() {
    return (long) (Runtime.getRuntime().maxMemory() * 0.7);
  }

  /** Every array and the metadata of the archive {@code file}, within the default budget. */
  public static WeightFile read(Path file) throws WeightFormatException {
    return read(file, defaultBudget(), name -> true);
  }

  /**
   * The arrays of the archive {@code file} whose name {@code keep} accepts (others are skipped
   * without inflating their data), in archive order, and its metadata; the data bytes the kept
   * members' headers promise may total at most {@code maxDataBytes}.
   */
  public static WeightFile read(Path file, long maxDataBytes, Predicate<String> keep)
      throws WeightFormatException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(keep, "keep");
    String source = file.toString();
    List<NamedArray> out = new ArrayList<>();
    Map<String, String> metadata;
    long used = 0;
    int members = 0;
    try (ZipFile zip = new ZipFile(file.toFile())) {
      metadata = metadata(source, zip.getComment());
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        if (e.isDirectory()) {
          continue;
        }
        String member = source + "[" + e.getName() + "]";
        if (!e.getName().endsWith(".npy")) {
          throw new WeightFormatException(member, "not a .npy member; an .npz holds only .npy files");
        }
        members++;
        String name = e.getName().substring(0, e.getName().length() - 4);
        if (!keep.test(name)) {
          continue;
        }
        try (InputStream in = zip.getInputStream(e)) {
          NpyFormat.Header h = NpyFormat.header(member, name, in);
          long size = h.dataStart() + h.dataBytes();
          if (e.getSize() >= 0 && e.getSize() != size) {
            throw new WeightFormatException(member, "the zip directory says the member inflates to "
                + e.getSize() + " bytes but its .npy header and shape " + Arrays.toString(h.shape())
                + " of " + h.dtype() + " imply " + size + (e.getSize() > size
                ? ": more data than its header promises" : ": truncated or corrupt archive"));
          }
          if (h.dataBytes() > maxDataBytes - used) {
            throw new WeightFormatException(member, "shape " + Arrays.toString(h.shape()) + " of "
                + h.dtype() + " needs " + h.dataBytes() + " bytes, over the limit of " + maxDataBytes
                + " bytes for the whole archive (" + (maxDataBytes - used) + " left; the limit is 70% of"
                + " the heap: raise -Xmx with GRADKERNEL_JVM_OPTS)");
          }
          used += h.dataBytes();
          out.add(NpyFormat.data(member, h, in));
        } catch (ZipException ex) {
          throw new WeightFormatException(member, "cannot be inflated (" + ex.getMessage() + ")");
        } catch (WeightFormatException ex) {
          throw ex;
        } catch (IOException ex) {
          throw new WeightFormatException(member, "cannot be read: " + reason(ex));
        }
      }
    } catch (ZipException e) {
      throw new WeightFormatException(source, "not a readable zip archive (" + e.getMessage()
          + "); is the file truncated?");
    } catch (WeightFormatException e) {
      throw e;
    } catch (java.nio.file.NoSuchFileException | java.io.FileNotFoundException e) {
      throw new WeightFormatException(source, "no such file");
    } catch (IOException e) {
      throw new WeightFormatException(source, "cannot be read: " + reason(e));
    }
    if (members == 0) {
      throw new WeightFormatException(source, "the archive holds no .npy arrays");
    }
    return new WeightFile(out, metadata);
  }

  /**
   * Writes {@code arrays} as an uncompressed {@code .npz} to {@code file}, atomically, with
   * {@code metadata} in the archive comment; names are checked by {@link WeightFormat#checkNames}.
   */
  public static void write(Path file, List<NamedArray> arrays, Map<String, String> metadata)
      throws IOException {
    WeightFormat.checkNames(arrays);
    String comment = metadata.isEmpty() ? null : COMMENT_PREFIX + Json.write(metadata);
    if (comment != null && comment.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 0xffff) {
      throw new IllegalArgumentException("metadata: " + comment.length()
          + " characters of JSON do not fit a zip comment (65,535 bytes)");
    }
    AtomicFile.write(file, raw -> {
      ZipOutputStream zip = new ZipOutputStream(raw);
      zip.setMethod(ZipOutputStream.STORED);
      for (NamedArray a : arrays) {
        byte[] header = NpyFormat.header(a.shape());
        long size = header.length + 4L * a.data().length;
        ZipEntry e = new ZipEntry(a.name() + ".npy");
        e.setMethod(ZipEntry.STORED);
        e.setSize(size);
        e.setCompressedSize(size);
        e.setCrc(FloatData.crc(header, a.data())); // STORED needs the CRC up front: one extra read
        e.setTime(0); // same bytes for the same arrays
        zip.putNextEntry(e);
        zip.write(header);
        FloatData.writeLittleEndian(a.data(), zip);
        zip.closeEntry();
      }
      if (comment != null) {
        zip.setComment(comment);
      }
      zip.finish(); // AtomicFile closes the underlying stream
    });
  }

  private static Map<String, String> metadata(String source, String comment)
      throws WeightFormatException {
    if (comment == null || !comment.startsWith(COMMENT_PREFIX)) {
      return Map.of(); // written by numpy or another tool: no metadata
    }
    Object parsed;
    try {
      parsed = Json.parse(comment.substring(COMMENT_PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new WeightFormatException(source, "bad metadata in the archive comment: " + e.getMessage());
    }
    return WeightFile.stringMap(source, "bad metadata in the archive comment", parsed);
  }

  /** An exception's message, or its class when it has none. */
  static String reason(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
