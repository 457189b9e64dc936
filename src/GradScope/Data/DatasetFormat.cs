namespace GradScope.Data;

public enum DatasetFormat
{
    /// <summary>MNIST-style idx files (train-images-idx3-ubyte.gz, …).</summary>
    Idx,

    /// <summary>CIFAR-10 binary batches (data_batch_1..5.bin, test_batch.bin).</summary>
    Cifar10Binary,
}
