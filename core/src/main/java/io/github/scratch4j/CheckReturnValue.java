package io.github.scratch4j;

import static java.lang.annotation.ElementType.CONSTRUCTOR;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.TYPE;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The result of a call to the annotated method must be used: a call whose result is ignored is a
 * mistake.
 *
 * <p>{@link Image}, {@link ImageIndex}, the options and the entries are immutable: a method such as
 * {@link Image#add(java.nio.file.Path)} or {@link WriteOptions#withCompression(Compression)} leaves
 * its object as it was and returns a changed copy. Written as a statement of its own,
 * {@code image.add(file);} changes nothing, and a later {@code image.writeTo(out)} writes the image
 * without the file. Chain the calls, or assign the result:
 *
 * <pre>{@code
 * image = image.add(file).entrypoint("/hello");
 * }</pre>
 *
 * <p>The same holds for a method that returns a new builder ({@code builder()}, {@code toBuilder()})
 * or what a builder built ({@code build()}). A mutable builder's own methods, which return the
 * builder itself, and {@code writeTo} and {@code pushTo}, which are called for what they do, are
 * not annotated.
 *
 * <p>Tools that know an annotation of this simple name report a call whose result is ignored:
 * Error Prone's {@code CheckReturnValue} check, an error by default, and IntelliJ IDEA's "Result of
 * method call ignored" inspection.
 *
 * <p>Kept in class files, where those tools read it, but not at run time: it adds no dependency.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
// TYPE as in Error Prone's own annotation, where it covers every method of the type. scratch4j
// annotates methods one by one instead: IntelliJ IDEA reads an annotation of this name only on the
// method called, and on Image a type-wide one would also demand that writeTo's manifest be used.
@Target({TYPE, METHOD, CONSTRUCTOR})
public @interface CheckReturnValue {}
