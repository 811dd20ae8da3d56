import ScalpelEngine

/// Fixed source train/test splits of data sets that come as one file.
public enum SourceSplits {
    /// MNIST-5k (500 images per digit) cut into 250 training and 250 test images per digit by a
    /// fixed-seed shuffle: the same split in every run, so a model pre-trained on the source can
    /// be shared by `mnist-c` and `mnist-to-digits`, and the held-out half leaves 250 target
    /// images per class for corruption shifts (100 tune + 10 validation + 140 test).
    public static func mnist5k(_ all: ImageSet, trainPerClass: Int = 250) -> (train: ImageSet, test: ImageSet) {
        var rng = RandomGenerator.derived(seed: 0x4D4E_4953_54, stream: 5000)
        var train = [Int](), test = [Int]()
        for members in all.indicesByLabel() {
            let shuffled = members.seededShuffle(&rng)
            let cut = min(trainPerClass, shuffled.count)
            train += shuffled[..<cut]
            test += shuffled[cut...]
        }
        return (all.subset(train.sorted()), all.subset(test.sorted()))
    }
}
