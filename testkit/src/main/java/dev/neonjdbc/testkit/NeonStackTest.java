package dev.neonjdbc.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a JUnit 5 test class (or method) that talks to the shared {@link NeonStack}: constructors,
 * lifecycle methods and test methods may declare a {@code NeonStack} parameter. Tagged {@value
 * #TAG} so that builds can include or exclude such tests.
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Tag(NeonStackTest.TAG)
@ExtendWith(NeonStackExtension.class)
public @interface NeonStackTest {
  /** The JUnit tag carried by every {@code @NeonStackTest}. */
  String TAG = "neon-stack";
}
