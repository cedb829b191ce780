package dev.neonjdbc.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves {@link NeonStack} parameters to {@link NeonStacks#shared()}, starting the stack on first
 * use. A stack that cannot start fails the test with the reason (e.g. the install command).
 */
public final class NeonStackExtension implements ParameterResolver {

  /** Creates the extension; JUnit does this for {@link NeonStackTest}. */
  public NeonStackExtension() {}

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == NeonStack.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    try {
      return NeonStacks.shared();
    } catch (NeonStackException e) {
      throw new ParameterResolutionException(e.getMessage(), e);
    }
  }
}
