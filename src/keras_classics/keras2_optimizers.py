"""Keras 2.3.1's optimizers where Keras 3's compute something else.

RMSprop. Keras 2.3.1 (and tf.keras) stepped

    v = rho * v + (1 - rho) * g**2;   p = p - lr * g / (sqrt(v) + epsilon)

while Keras 3 steps p = p - lr * g / sqrt(v + epsilon). With epsilon = 1e-7 the two agree
while the gradient's root mean square is well above sqrt(1e-7) = 3.2e-4; below it Keras 3's
steps shrink (3.3x at 1e-4, 32x at 1e-5). The gradients of a loss averaged over many outputs
are that small: lstm_seq2seq's original recipe reaches, after 3 epochs, a loss of 0.895 with
Keras 3's RMSprop and 0.693 with this one, which is keras-io's tf.keras log (0.687).
"""

from __future__ import annotations

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_classics")
class RMSprop(keras.optimizers.RMSprop):
    """`keras.optimizers.RMSprop` with Keras 2.3.1's update: epsilon added after the square
    root. Keras 2.3.1's RMSprop had no momentum and was not centered; neither is this."""

    def __init__(self, learning_rate=0.001, rho=0.9, epsilon=1e-7, name="rmsprop", **kwargs):
        if kwargs.get("momentum") or kwargs.get("centered"):
            raise ValueError("Keras 2.3.1's RMSprop had no momentum and was not centered")
        super().__init__(learning_rate=learning_rate, rho=rho, epsilon=epsilon, name=name,
                         **kwargs)  # fmt: skip

    def update_step(self, gradient, variable, learning_rate):
        """One variable's step, as Keras 2.3.1's `RMSprop.get_updates`."""
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        velocity = self._velocities[self._get_variable_index(variable)]
        self.assign(
            velocity,
            ops.add(
                ops.multiply(self.rho, velocity), ops.multiply(1 - self.rho, ops.square(gradient))
            ),
        )
        step = ops.divide(ops.multiply(lr, gradient), ops.add(ops.sqrt(velocity), self.epsilon))
        self.assign_sub(variable, step)
